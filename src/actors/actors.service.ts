import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { IdScope } from '../common/scopes';
import { ConflictError, NotFoundError } from '../common/errors';
import { Connection, PageArgs, paginate } from '../common/pagination';
import { TransactionRunner } from '../common/transactions';
import { HistoryService } from '../history/history.service';
import { Actor } from './actor.entity';
import { ApiToken, TOKEN_KEY_PREFIX } from './api-token.entity';
import { CreateActorInput } from './dto/actor.inputs';
import { Role } from './role';
import { EventType } from '../history/event-catalogue';

export const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** How often the last use of a token is written back: often enough to audit, rarely enough not to write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const ADMIN_EMAIL = 'admin@looptrace.invalid';

@Injectable()
export class ActorsService {
  private readonly logger = new Logger('Actors');

  constructor(
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get actors(): Repository<Actor> {
    return this.tx.repository(Actor);
  }

  private get tokens(): Repository<ApiToken> {
    return this.tx.repository(ApiToken);
  }

  byIds(ids: readonly number[]): Promise<Actor[]> {
    return ids.length ? this.tx.manager.findBy(Actor, { id: In([...ids]) }) : Promise.resolve([]);
  }

  list(page: PageArgs): Promise<Connection<Actor>> {
    return paginate(this.actors.createQueryBuilder('actor'), page, [
      { path: 'actor.email', direction: 'ASC', value: (actor) => actor.email },
      { path: 'actor.id', direction: 'ASC', value: (actor) => actor.id },
    ]);
  }

  count(): Promise<number> {
    return this.actors.count();
  }

  /** Scope: the actor with this email: one at most, as emails are unique (none when there is none). */
  withEmail(email: string): IdScope {
    return this.tx.manager.createQueryBuilder(Actor, 'emailed').select('emailed.id').where('emailed.email = :actorEmail', { actorEmail: email.trim().toLowerCase() });
  }

  async byEmail(email: string, field = 'email'): Promise<Actor> {
    const actor = await this.actors.findOneBy({ email: email.trim().toLowerCase() });
    if (!actor) throw new NotFoundError('actor with email', email, field);
    return actor;
  }

  create(by: Actor | null, input: CreateActorInput): Promise<Actor> {
    return this.tx.run(() => this.createIn(by, input));
  }

  private async createIn(by: Actor | null, input: CreateActorInput): Promise<Actor> {
    const email = input.email.trim().toLowerCase();
    if (await this.tx.manager.existsBy(Actor, { email })) throw new ConflictError(`An actor with email ${email} exists already.`);
    const now = this.clock.now();
    const actor = this.tx.manager.create(Actor, {
      name: input.name.trim(),
      email,
      role: input.role,
      organization: input.organization?.trim() || null,
      createdAt: now,
      updatedAt: now,
    });
    await this.tx.manager.save(actor);
    await this.history.record({
      type: EventType.ACTOR_CREATED,
      recordKey: email,
      actorId: by?.id ?? null,
      after: { name: actor.name, email, role: actor.role, organization: actor.organization },
    });
    return actor;
  }

  /** Issues a new token for the actor; the secret is returned this once. */
  issueToken(by: Actor | null, actorEmail: string, label: string): Promise<{ token: string; apiToken: ApiToken }> {
    return this.tx.run(async () => {
      const actor = await this.byEmail(actorEmail, 'input.actorEmail');
      const secret = `lt_${randomBytes(24).toString('base64url')}`;
      return { token: secret, apiToken: await this.storeToken(by, actor, secret, label.trim()) };
    });
  }

  private async storeToken(by: Actor | null, actor: Actor, secret: string, label: string): Promise<ApiToken> {
    const apiToken = this.tx.manager.create(ApiToken, {
      actorId: actor.id,
      label,
      tokenHash: hashToken(secret),
      prefix: secret.slice(0, 8),
      createdAt: this.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
      revokedById: null,
    });
    await this.tx.manager.save(apiToken);
    await this.history.record({
      type: EventType.TOKEN_ISSUED,
      recordKey: `${TOKEN_KEY_PREFIX}${apiToken.id}`,
      otherRecordKeys: [actor.email],
      actorId: by?.id ?? null,
      after: { actorEmail: actor.email, label, prefix: apiToken.prefix },
    });
    return apiToken;
  }

  revokeToken(by: Actor, tokenId: number): Promise<ApiToken> {
    return this.tx.run(async () => {
      const apiToken = await this.tx.manager.findOneBy(ApiToken, { id: tokenId });
      if (!apiToken) throw new NotFoundError('token', String(tokenId), 'input.tokenId');
      if (apiToken.revokedAt) throw new ConflictError(`Token ${tokenId} was revoked already.`);
      apiToken.revokedAt = this.clock.now();
      apiToken.revokedById = by.id;
      await this.tx.manager.save(apiToken);
      await this.history.record({
        type: EventType.TOKEN_REVOKED,
        recordKey: `${TOKEN_KEY_PREFIX}${apiToken.id}`,
        actorId: by.id,
        before: { revokedAt: null },
        after: { revokedAt: apiToken.revokedAt.toISOString() },
        data: { label: apiToken.label, prefix: apiToken.prefix },
      });
      return apiToken;
    });
  }

  tokensOf(actorIds: readonly number[]): Promise<ApiToken[]> {
    return this.tokens.find({ where: { actorId: In([...actorIds]) }, order: { id: 'ASC' } });
  }

  /** The actor holding this secret, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Actor | null> {
    return (await this.authenticateToken(secret))?.actor ?? null;
  }

  /**
   * The actor holding this secret and the token's id, or null when it is
   * unknown or revoked. The token's last use is written back without making
   * the request wait for the writer.
   */
  async authenticateToken(secret: string): Promise<{ actor: Actor; tokenId: number } | null> {
    const apiToken = await this.tokens.findOneBy({ tokenHash: hashToken(secret) });
    if (!apiToken || apiToken.revokedAt) return null;
    const now = this.clock.now();
    if (!apiToken.lastUsedAt || now.getTime() - apiToken.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      this.tx.run(() => this.tx.manager.update(ApiToken, { id: apiToken.id }, { lastUsedAt: now })).catch((error: unknown) => {
        this.logger.warn(`Could not record the last use of token ${apiToken.id}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    const actor = await this.actors.findOneBy({ id: apiToken.actorId });
    return actor ? { actor, tokenId: apiToken.id } : null;
  }

  /**
   * Makes sure an admin holding this secret exists (ADMIN_TOKEN at start-up).
   * A token that was revoked stays revoked: start-up refuses rather than
   * bringing a withdrawn secret back to life.
   */
  ensureAdminToken(secret: string): Promise<Actor> {
    return this.tx.run(async () => {
      const existing = await this.tx.manager.findOneBy(ApiToken, { tokenHash: hashToken(secret) });
      if (existing) {
        const holder = await this.tx.manager.findOneByOrFail(Actor, { id: existing.actorId });
        if (existing.revokedAt) throw new Error('ADMIN_TOKEN names a token that was revoked; set a new secret.');
        if (holder.role !== Role.ADMIN) throw new Error(`ADMIN_TOKEN belongs to ${holder.email}, who is not an admin.`);
        return holder;
      }
      const admin =
        (await this.tx.manager.findOneBy(Actor, { email: ADMIN_EMAIL })) ??
        (await this.createIn(null, { name: 'Administrator', email: ADMIN_EMAIL, role: Role.ADMIN }));
      await this.storeToken(null, admin, secret, 'ADMIN_TOKEN');
      return admin;
    });
  }

  /** For the command line: the actor with this email, created with the role if new. */
  findOrCreate(input: CreateActorInput): Promise<Actor> {
    return this.tx.run(async () => {
      const existing = await this.tx.manager.findOneBy(Actor, { email: input.email.trim().toLowerCase() });
      if (!existing) return this.createIn(null, input);
      if (existing.role !== input.role) {
        throw new ConflictError(`${existing.email} exists with role ${existing.role}, not ${input.role}.`);
      }
      return existing;
    });
  }
}
