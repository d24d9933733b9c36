import { Injectable } from '@nestjs/common';
import { In, Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { Clock } from '../common/clock';
import { assertExpectedVersion, ConflictError, NotFoundError } from '../common/errors';
import { Connection, PageArgs, paginate } from '../common/pagination';
import { TransactionRunner } from '../common/transactions';
import { HistoryService } from '../history/history.service';
import { diff } from '../common/diff';
import { CreateReleaseInput, UpdateReleaseInput } from './dto/release.inputs';
import { Release } from './release.entity';
import { ReleaseState } from './release.enums';
import { EventType } from '../history/event-catalogue';

@Injectable()
export class ReleasesService {
  constructor(
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get releases(): Repository<Release> {
    return this.tx.repository(Release);
  }

  byIds(ids: readonly number[]): Promise<Release[]> {
    return ids.length ? this.tx.manager.findBy(Release, { id: In([...ids]) }) : Promise.resolve([]);
  }

  /**
   * Changed fields as the history keeps them: a target release by its name
   * (targetRelease), the way the API names releases, never by its id.
   */
  async withReleaseNames(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!('targetReleaseId' in fields)) return fields;
    const { targetReleaseId, ...rest } = fields;
    const [release] = typeof targetReleaseId === 'number' ? await this.byIds([targetReleaseId]) : [];
    return { ...rest, targetRelease: release?.name ?? null };
  }

  /** Release names are matched without regard to case: "liberty" in a spec URL is Liberty. */
  findByName(name: string): Promise<Release | null> {
    return this.tx.manager.createQueryBuilder(Release, 'release').where('LOWER(release.name) = LOWER(:name)', { name: name.trim() }).getOne();
  }

  async byName(name: string, field: string): Promise<Release> {
    const release = await this.findByName(name);
    if (!release) throw new NotFoundError('release', name, field);
    return release;
  }

  list(page: PageArgs): Promise<Connection<Release>> {
    return paginate(this.releases.createQueryBuilder('release'), page, [
      { path: 'release.sequence', direction: 'ASC', value: (release) => release.sequence },
      { path: 'release.id', direction: 'ASC', value: (release) => release.id },
    ]);
  }

  create(by: Actor, input: CreateReleaseInput): Promise<Release> {
    return this.tx.run(async () => {
      // One new release at a time, so that two made at once do not both take the next place in the sequence.
      await this.tx.lock([{ space: 'release-sequence', id: 0, exclusive: true }]);
      await this.assertNameFree(input.name, 'input.name');
      const now = this.clock.now();
      const last = await this.tx.manager.createQueryBuilder(Release, 'release').select('MAX(release.sequence)', 'max').getRawOne<{ max: number | null }>();
      const release = this.tx.manager.create(Release, {
        name: input.name.trim(),
        state: input.state ?? ReleaseState.PLANNED,
        startsOn: input.startsOn ?? null,
        releasedOn: input.releasedOn ?? null,
        sequence: input.sequence ?? (last?.max ?? 0) + 1,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await this.tx.manager.save(release);
      await this.history.record({
        type: EventType.RELEASE_CREATED,
        recordKey: release.name,
        actorId: by.id,
        after: { name: release.name, state: release.state, startsOn: release.startsOn, releasedOn: release.releasedOn, sequence: release.sequence },
      });
      return release;
    });
  }

  update(by: Actor, input: UpdateReleaseInput): Promise<Release> {
    return this.tx.run(async () => {
      const release = await this.byName(input.name, 'input.name');
      assertExpectedVersion(`Release ${release.name}`, release.version, input.expectedVersion);
      if (input.rename && input.rename.toLowerCase() !== release.name.toLowerCase()) {
        await this.assertNameFree(input.rename, 'input.rename');
      }
      const changes: Partial<Release> = {};
      if (input.rename) changes.name = input.rename.trim();
      if (input.state) changes.state = input.state;
      if (input.startsOn !== undefined) changes.startsOn = input.startsOn;
      if (input.releasedOn !== undefined) changes.releasedOn = input.releasedOn;
      if (input.sequence !== undefined && input.sequence !== null) changes.sequence = input.sequence;
      const { before, after } = diff(release, changes);
      if (Object.keys(after).length === 0) return release;
      Object.assign(release, changes, { updatedAt: this.clock.now(), version: release.version + 1 });
      await this.tx.manager.save(release);
      await this.history.record({
        type: EventType.RELEASE_UPDATED,
        recordKey: release.name,
        actorId: by.id,
        before,
        after,
        touches: 'sequence' in after ? { releases: [release.id] } : undefined,
      });
      return release;
    });
  }

  private async assertNameFree(name: string, field: string): Promise<void> {
    const clash = await this.findByName(name);
    if (clash) throw new ConflictError(`A release named ${clash.name} exists already (${field}).`);
  }
}
