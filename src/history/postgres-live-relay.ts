import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CONFIG, LooptraceConfig } from '../config/config';
import { HistoryService } from './history.service';
import { LiveEvents } from './live-events';
import { LoopEvent } from './loop-event.entity';

const CHANNEL = 'looptrace_events';
const RECONNECT_MS = 1000;
/** Event ids per notice: its payload stays well below PostgreSQL's 8000 bytes. */
const EVENTS_PER_NOTICE = 500;

interface Notice {
  instance: string;
  /** In the order they committed. */
  eventIds: number[];
}

/**
 * Live events across service instances on one PostgreSQL database, with no
 * broker but PostgreSQL: each instance NOTIFYs the events it commits on one
 * channel and LISTENs to it, and hands the events of the others to its own
 * subscribers, in the order they were sent. Only the event's id travels; the
 * event itself is read from the history, where it has committed. The events
 * committed while a notice is on its way go together in the next one: every
 * NOTIFY of every instance commits under one lock of the database's, so a
 * notice per event would make the instances queue for it.
 */
@Injectable()
export class PostgresLiveRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveRelay');
  private readonly instance = randomUUID();
  private client: Client | null = null;
  private received: Promise<void> = Promise.resolve();
  private sent: Promise<void> = Promise.resolve();
  /** Events committed here and not yet sent, oldest first. */
  private unsent: number[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly live: LiveEvents,
    private readonly history: HistoryService,
  ) {}

  private stopping = false;

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.database.engine !== 'postgres') return;
    await this.listen();
    this.live.onPublished(({ event }) => this.send(event));
  }

  /** Connects and listens; a dropped connection is made again, so that an instance does not stay deaf. */
  private async listen(): Promise<void> {
    const { database } = this.config;
    if (database.engine !== 'postgres' || this.stopping) return;
    const client = new Client({
      connectionString: database.url,
      ssl: database.ssl === 'disable' ? false : { rejectUnauthorized: database.ssl === 'verify-full' },
    });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const payload = message.payload;
      this.received = this.received.then(() => this.receive(payload)).catch((error: unknown) => this.logger.error((error as Error).message));
    });
    client.on('error', (error) => this.logger.error(`Listening for other instances' events failed: ${error.message}`));
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = null;
      this.listenLater();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private listenLater(): void {
    if (this.stopping) return;
    setTimeout(() => {
      this.listen().catch((error: unknown) => {
        this.logger.error(`Listening again failed: ${(error as Error).message}`);
        this.listenLater();
      });
    }, RECONNECT_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await this.sent;
    const client = this.client;
    this.client = null;
    await this.received;
    await client?.end();
  }

  /**
   * Notices go out one after the other, in the order the events committed,
   * each with the events committed since the one before; shutting down waits
   * for them.
   */
  private send(event: LoopEvent): void {
    this.unsent.push(event.id);
    if (this.unsent.length > 1) return;
    this.sent = this.sent
      .then(async () => {
        while (this.unsent.length) {
          const eventIds = this.unsent.splice(0, EVENTS_PER_NOTICE);
          const notice: Notice = { instance: this.instance, eventIds };
          try {
            if (this.client) await this.client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(notice)]);
          } catch (error) {
            this.logger.error(`Telling other instances of events ${eventIds.join(', ')} failed: ${(error as Error).message}`);
          }
        }
      });
  }

  private async receive(payload: string): Promise<void> {
    const notice = JSON.parse(payload) as Notice;
    if (notice.instance === this.instance || !this.client) return;
    const events = new Map((await this.history.byIds(notice.eventIds)).map((event) => [event.id, event]));
    const loops = await this.history.loopsOf(notice.eventIds);
    for (const eventId of notice.eventIds) {
      const event = events.get(eventId);
      if (!event) continue;
      await this.live.publishRelayed({ event, loops: loops.filter((row) => row.eventId === eventId).map((row) => row.feedbackId) });
    }
  }
}
