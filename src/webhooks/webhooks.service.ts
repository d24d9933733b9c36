import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In, Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { publicPerson } from '../actors/personal-data';
import { Clock } from '../common/clock';
import { dateFromDatabase } from '../common/columns';
import { diff } from '../common/diff';
import { ConflictError, NotFoundError } from '../common/errors';
import { numericId } from '../common/keys';
import { Connection, PageArgs, paginate } from '../common/pagination';
import { inScope } from '../common/scopes';
import { TransactionRunner } from '../common/transactions';
import { CONFIG, LooptraceConfig } from '../config/config';
import { FEEDBACK_KEY_PREFIX } from '../feedback/feedback-item.entity';
import { Consequence, ProjectedEvent } from '../history/consequences';
import { EventType, matchesEventType } from '../history/event-catalogue';
import { HistoryService } from '../history/history.service';
import { JsonObject } from '../history/loop-event.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { RegisterWebhookInput, UpdateWebhookInput, WebhookDeliveryFilter } from './dto/webhook.inputs';
import { WebhookAddresses } from './webhook-addresses';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery, WebhookDeliveryStatus } from './webhook-delivery.entity';
import { Webhook } from './webhook.entity';


/** However the configuration multiplies out, a dead receiver is tried at least once a day. */
const MAX_RETRY_DELAY_MS = 86_400_000;

/** A delivery a worker has leased, with the webhook to send it to. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  webhook: Webhook;
}

/** What came of one POST. */
export interface AttemptOutcome {
  attemptedAt: Date;
  statusCode: number | null;
  /** Null when the receiver answered 2xx. */
  error: string | null;
  durationMs: number;
}

/** How long to wait before the next attempt once `attempts` have failed: retryBaseMs, twice as long after each further failure. */
export function retryDelayMs(retryBaseMs: number, attempts: number): number {
  return Math.min(retryBaseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
}

const webhookKey = (webhookId: number) => `webhook-${webhookId}`;
const loopKey = (feedbackId: number) => `${FEEDBACK_KEY_PREFIX}${feedbackId}`;

/** What the history keeps of a webhook: everything but the secret. */
const described = (webhook: Webhook) => ({ url: webhook.url, events: webhook.events, description: webhook.description, active: webhook.active });

/**
 * Webhooks and their outbox. Every event that a webhook asks for becomes a
 * delivery row in the event's own transaction; the worker sends the rows
 * that are due and records each attempt here.
 */
@Injectable()
export class WebhooksService implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly history: HistoryService,
    private readonly actors: ActorsService,
    private readonly notifications: NotificationsService,
    private readonly addresses: WebhookAddresses,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get webhooks(): Repository<Webhook> {
    return this.tx.repository(Webhook);
  }

  private get deliveries(): Repository<WebhookDelivery> {
    return this.tx.repository(WebhookDelivery);
  }

  onModuleInit(): void {
    this.history.onRecorded(Consequence.OUTBOX, (projected) => this.enqueue(projected));
  }

  byIds(ids: readonly number[]): Promise<Webhook[]> {
    return ids.length ? this.webhooks.findBy({ id: In([...ids]) }) : Promise.resolve([]);
  }

  list(page: PageArgs): Promise<Connection<Webhook>> {
    return paginate(this.webhooks.createQueryBuilder('webhook'), page, [{ path: 'webhook.id', direction: 'ASC', value: (webhook) => webhook.id }]);
  }

  /** Deliveries, newest event first. */
  listDeliveries(filter: WebhookDeliveryFilter | null | undefined, page: PageArgs): Promise<Connection<WebhookDelivery>> {
    const query = this.deliveries.createQueryBuilder('delivery');
    if (filter?.webhookId) query.andWhere('delivery.webhookId = :webhookId', { webhookId: numericId(filter.webhookId, 'filter.webhookId', 'a webhook') });
    if (filter?.status) query.andWhere('delivery.status = :status', { status: filter.status });
    if (filter?.eventType) query.andWhere(...inScope('delivery.eventId', this.history.ofType(filter.eventType)));
    return paginate(query, page, [
      { path: 'delivery.eventId', direction: 'DESC', value: (delivery) => delivery.eventId },
      { path: 'delivery.id', direction: 'DESC', value: (delivery) => delivery.id },
    ]);
  }

  /** The attempts of these deliveries, oldest first. */
  attemptsOf(deliveryIds: readonly string[]): Promise<WebhookAttempt[]> {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.tx.manager.find(WebhookAttempt, { where: { deliveryId: In([...deliveryIds]) }, order: { id: 'ASC' } });
  }

  async register(by: Actor, input: RegisterWebhookInput): Promise<Webhook> {
    await this.addresses.check(input.url, 'input.url');
    return this.tx.run(async () => {
      const now = this.clock.now();
      const webhook = this.tx.manager.create(Webhook, {
        url: input.url,
        events: [...new Set(input.events)],
        secret: input.secret,
        description: input.description?.trim() || null,
        active: true,
        createdById: by.id,
        createdAt: now,
        updatedAt: now,
      });
      await this.tx.manager.save(webhook);
      await this.history.record({
        type: EventType.WEBHOOK_REGISTERED,
        recordKey: webhookKey(webhook.id),
        actorId: by.id,
        after: described(webhook),
      });
      return webhook;
    });
  }

  /** Changes a webhook, pauses or resumes it. A new secret shows in the history only as the fact that it changed. */
  async update(by: Actor, input: UpdateWebhookInput): Promise<Webhook> {
    if (input.url) await this.addresses.check(input.url, 'input.url');
    return this.tx.run(async () => {
      const webhook = await this.tx.manager.findOne(Webhook, { where: { id: numericId(input.id, 'input.id', 'a webhook') }, ...this.tx.forUpdate() });
      if (!webhook) throw new NotFoundError('webhook', input.id, 'input.id');
      const changes: Partial<Webhook> = {};
      if (input.url) changes.url = input.url;
      if (input.events) changes.events = [...new Set(input.events)];
      if (input.description !== undefined) changes.description = input.description?.trim() || null;
      if (typeof input.active === 'boolean') changes.active = input.active;
      const { before, after } = diff(webhook, changes);
      const secretChanged = !!input.secret && input.secret !== webhook.secret;
      if (Object.keys(after).length === 0 && !secretChanged) return webhook;
      Object.assign(webhook, changes, secretChanged ? { secret: input.secret } : {}, { updatedAt: this.clock.now() });
      await this.tx.manager.save(webhook);
      await this.history.record({
        type: EventType.WEBHOOK_UPDATED,
        recordKey: webhookKey(webhook.id),
        actorId: by.id,
        before,
        after,
        data: secretChanged ? { secretChanged: true } : null,
      });
      return webhook;
    });
  }

  /** Sends a dead delivery again, from a fresh backoff schedule; its earlier attempts stay in its log. */
  retry(by: Actor, deliveryId: string): Promise<WebhookDelivery> {
    return this.tx.run(async () => {
      const delivery = await this.tx.manager.findOne(WebhookDelivery, { where: { id: deliveryId.toLowerCase() }, ...this.tx.forUpdate() });
      if (!delivery) throw new NotFoundError('webhook delivery', deliveryId, 'input.id');
      if (delivery.status !== WebhookDeliveryStatus.DEAD) {
        throw new ConflictError(`Delivery ${delivery.id} is ${delivery.status}; only a DEAD delivery can be retried.`);
      }
      const before = { status: delivery.status, attempts: delivery.attempts };
      const now = this.clock.now();
      Object.assign(delivery, { status: WebhookDeliveryStatus.PENDING, attempts: 0, nextAttemptAt: now, lockedUntil: null, updatedAt: now });
      await this.tx.manager.save(delivery);
      await this.history.record({
        type: EventType.WEBHOOK_DELIVERY_RETRIED,
        recordKey: webhookKey(delivery.webhookId),
        actorId: by.id,
        before,
        after: { status: delivery.status, attempts: delivery.attempts },
        data: { deliveryId: delivery.id, eventId: delivery.eventId },
      });
      return delivery;
    });
  }

  /**
   * Leases up to `limit` deliveries that are due, for `leaseMs`. A worker
   * that dies mid-send never records its attempt; the lease runs out and the
   * delivery is claimed again, so each is sent at least once.
   */
  claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.tx.run(async () => {
      const now = this.clock.now();
      const query = this.tx.manager
        .createQueryBuilder(WebhookDelivery, 'delivery')
        .where('delivery.status = :pending', { pending: WebhookDeliveryStatus.PENDING })
        .andWhere('delivery.nextAttemptAt <= :now', { now })
        .andWhere('(delivery.lockedUntil IS NULL OR delivery.lockedUntil < :now)')
        .andWhere('delivery.webhookId IN (SELECT w.id FROM webhook w WHERE w.active = :active)', { active: true })
        .orderBy('delivery.nextAttemptAt', 'ASC')
        .limit(limit);
      // Several service instances on one PostgreSQL database each take rows the others have not locked.
      if (this.tx.manager.connection.options.type === 'postgres') query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const due = await query.getMany();
      if (due.length === 0) return [];
      const lockedUntil = new Date(now.getTime() + leaseMs);
      await this.tx.manager.update(WebhookDelivery, { id: In(due.map((delivery) => delivery.id)) }, { lockedUntil, updatedAt: now });
      const webhooks = new Map(
        (await this.tx.manager.findBy(Webhook, { id: In([...new Set(due.map((delivery) => delivery.webhookId))]) })).map((webhook) => [webhook.id, webhook]),
      );
      return due.map((delivery) => ({ delivery, webhook: webhooks.get(delivery.webhookId)! }));
    });
  }

  /** Logs the attempt and moves the delivery on: delivered on 2xx, else due again after the backoff, or dead after the last attempt. */
  /** How the outbox stands, for the metrics: deliveries waiting, how long the oldest has waited, and those given up on. */
  async outboxState(): Promise<{ pending: number; oldestPendingSince: Date | null; dead: number }> {
    const counts = await this.deliveries
      .createQueryBuilder('delivery')
      .select('delivery.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .addSelect('MIN(delivery.createdAt)', 'oldest')
      .where('delivery.status IN (:...statuses)', { statuses: [WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.DEAD] })
      .groupBy('delivery.status')
      .getRawMany<{ status: WebhookDeliveryStatus; count: string | number; oldest: string | Date | null }>();
    const of = (status: WebhookDeliveryStatus) => counts.find((row) => row.status === status);
    const oldest = of(WebhookDeliveryStatus.PENDING)?.oldest ?? null;
    return {
      pending: Number(of(WebhookDeliveryStatus.PENDING)?.count ?? 0),
      oldestPendingSince: oldest === null ? null : dateFromDatabase(oldest),
      dead: Number(of(WebhookDeliveryStatus.DEAD)?.count ?? 0),
    };
  }

  async recordAttempt(deliveryId: string, outcome: AttemptOutcome): Promise<void> {
    await this.tx.run(async () => {
      const delivery = await this.tx.manager.findOneOrFail(WebhookDelivery, { where: { id: deliveryId }, ...this.tx.forUpdate() });
      const logged = await this.tx.manager
        .createQueryBuilder(WebhookAttempt, 'attempt')
        .select('MAX(attempt.attempt)', 'last')
        .where('attempt.deliveryId = :deliveryId', { deliveryId })
        .getRawOne<{ last: number | null }>();
      await this.tx.manager.insert(WebhookAttempt, { deliveryId, attempt: Number(logged?.last ?? 0) + 1, ...outcome });
      // Another worker may have sent it too after this one's lease ran out, and settled it first.
      if (delivery.status !== WebhookDeliveryStatus.PENDING) return;
      const now = this.clock.now();
      const attempts = delivery.attempts + 1;
      const settled = { attempts, lastStatusCode: outcome.statusCode, lastError: outcome.error, lockedUntil: null, updatedAt: now };
      if (outcome.error === null) {
        await this.tx.manager.update(WebhookDelivery, { id: deliveryId }, { ...settled, status: WebhookDeliveryStatus.DELIVERED, deliveredAt: now });
      } else if (attempts >= this.config.webhooks.maxAttempts) {
        await this.tx.manager.update(WebhookDelivery, { id: deliveryId }, { ...settled, status: WebhookDeliveryStatus.DEAD });
      } else {
        const nextAttemptAt = new Date(now.getTime() + retryDelayMs(this.config.webhooks.retryBaseMs, attempts));
        await this.tx.manager.update(WebhookDelivery, { id: deliveryId }, { ...settled, nextAttemptAt });
      }
    });
  }

  /** The outbox: one delivery per active webhook that asks for the event, written in the event's transaction. */
  private async enqueue(projected: ProjectedEvent): Promise<void> {
    const { event, kind } = projected;
    if (!kind.sentToWebhooks) return;
    // A write records many events, and no write both registers a webhook and records loop events: the active ones are read once per write.
    const active = await this.tx.once('active-webhooks', () => this.tx.manager.findBy(Webhook, { active: true }));
    const webhooks = active.filter((webhook) =>
      webhook.events.some((pattern) => matchesEventType(pattern, event.type)),
    );
    if (webhooks.length === 0) return;
    const body = await this.bodyOf(projected);
    const now = this.clock.now();
    await this.tx.manager.insert(
      WebhookDelivery,
      webhooks.map((webhook) => {
        const id = randomUUID();
        return {
          id,
          webhookId: webhook.id,
          eventId: event.id,
          payload: JSON.stringify({ id, ...body }),
          status: WebhookDeliveryStatus.PENDING,
          attempts: 0,
          nextAttemptAt: now,
          lockedUntil: null,
          lastStatusCode: null,
          lastError: null,
          deliveredAt: null,
          createdAt: now,
          updatedAt: now,
        };
      }),
    );
  }

  /** The body of a delivery but its id, as of the moment of the event: later changes to the loop or the people do not rewrite it. */
  private async bodyOf(projected: ProjectedEvent): Promise<JsonObject> {
    const { event, kind } = projected;
    const [actor] = event.actorId === null ? [] : await this.actors.byIds([event.actorId]);
    const loopIds = [...projected.loops].sort((a, b) => a - b);
    const data: JsonObject = {
      recordType: event.recordType,
      recordKey: event.recordKey,
      before: event.before,
      after: event.after,
      ...event.data,
      loopKeys: loopIds.map(loopKey),
    };
    if (kind.namesNotified) {
      // The same people the inbox tells, by the same rule.
      const audience = await this.notifications.audience(projected);
      data.notify = (audience?.recipients ?? []).map(({ person, relation }) => ({ ...person, relation }));
    }
    return {
      type: event.type,
      occurredAt: event.occurredAt.toISOString(),
      actor: actor ? publicPerson(actor) : null,
      loopKey: loopIds.length === 1 ? loopKey(loopIds[0]) : null,
      data,
    };
  }
}
