import { Inject, Injectable } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { statementsWaiting } from '../database/query-pacing';
import { statementsSoFar } from '../database/sql-logger';
import { LiveEvents } from '../history/live-events';
import { WebhooksService } from '../webhooks/webhooks.service';

/** Operation names are chosen by clients: past this many distinct ones, the rest are counted as "(other)" so that the series stay few. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The outcomes that mean the operation was refused before it ran, for its cost or its caller's budget. */
const REFUSED_FOR_COST = new Set(['QUERY_TOO_COMPLEX', 'RATE_LIMITED']);

interface PostgresPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * What the service measures of itself, in Prometheus's text format
 * (prom-client), on a registry of its own: GraphQL operations by name and
 * outcome, HTTP answers by route and status, operations refused for their
 * cost, the webhook outbox, live subscriptions, the database connections,
 * and the process itself. Gauges that read the database are read when
 * scraped, with reads only.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  private readonly operations = new Counter({
    name: 'looptrace_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name, type and outcome (OK or the code of the first error).',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [this.registry],
  });

  private readonly operationSeconds = new Histogram({
    name: 'looptrace_graphql_operation_duration_seconds',
    help: 'How long GraphQL operations took, from the request to the answer, by operation name, type and outcome.',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly refused = new Counter({
    name: 'looptrace_graphql_refused_total',
    help: 'GraphQL operations refused before they ran: QUERY_TOO_COMPLEX (over a per-request limit) or RATE_LIMITED (over the caller budget).',
    labelNames: ['code'],
    registers: [this.registry],
  });

  private readonly httpAnswers = new Counter({
    name: 'looptrace_http_responses_total',
    help: 'HTTP responses by route and status, those the door refused before GraphQL included.',
    labelNames: ['route', 'status'],
    registers: [this.registry],
  });

  constructor(
    private readonly webhooks: WebhooksService,
    private readonly live: LiveEvents,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
  ) {
    // The standard names (process_*, nodejs_*), which existing dashboards read.
    collectDefaultMetrics({ register: this.registry });
    const outbox = () => this.webhooks.outboxState();
    new Gauge({
      name: 'looptrace_webhook_outbox_pending',
      help: 'Webhook deliveries waiting to be sent or retried.',
      registers: [this.registry],
      async collect() {
        this.set((await outbox()).pending);
      },
    });
    new Gauge({
      name: 'looptrace_webhook_oldest_pending_seconds',
      help: 'How long the oldest waiting webhook delivery has waited; 0 when none waits.',
      registers: [this.registry],
      async collect() {
        const since = (await outbox()).oldestPendingSince;
        this.set(since ? Math.max(0, (Date.now() - since.getTime()) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'looptrace_webhook_dead_deliveries',
      help: 'Webhook deliveries given up on after every attempt failed (retryWebhookDelivery sends one again).',
      registers: [this.registry],
      async collect() {
        this.set((await outbox()).dead);
      },
    });
    const subscribers = () => this.live.subscribers;
    new Gauge({
      name: 'looptrace_live_subscriptions',
      help: 'Subscriptions to live loop events open on this instance.',
      registers: [this.registry],
      collect() {
        this.set(subscribers());
      },
    });
    const pool = () => this.postgresPool();
    new Gauge({
      name: 'looptrace_database_connections',
      help: 'PostgreSQL connections of this instance by state: total, idle, and requests waiting for one (absent on SQLite).',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const current = pool();
        if (!current) return;
        this.set({ state: 'total' }, current.totalCount);
        this.set({ state: 'idle' }, current.idleCount);
        this.set({ state: 'waiting' }, current.waitingCount);
      },
    });
    new Counter({
      name: 'looptrace_database_statements_total',
      help: 'SQL statements this instance has run, on every connection, since it started.',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(statementsSoFar());
      },
    });
    new Gauge({
      name: 'looptrace_database_statements_waiting',
      help: 'On SQLite, statements waiting for their turn on the connections (0 on PostgreSQL).',
      registers: [this.registry],
      collect() {
        this.set(statementsWaiting());
      },
    });
  }

  /** Counts one GraphQL operation; those refused for their cost are counted apart as well. */
  operationAnswered(name: string | null, type: string | null, outcome: string, seconds: number): void {
    const labels = { operation: this.operationLabel(name), type: type ?? 'unknown', outcome };
    this.operations.inc(labels);
    this.operationSeconds.observe(labels, seconds);
    if (REFUSED_FOR_COST.has(outcome)) this.refused.inc({ code: outcome });
  }

  httpAnswered(route: string, status: number): void {
    this.httpAnswers.inc({ route, status: String(status) });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private operationLabel(name: string | null): string {
    if (!name) return '(anonymous)';
    if (!OPERATION_NAME.test(name)) return '(other)';
    if (!this.operationNames.has(name)) {
      if (this.operationNames.size >= MAX_OPERATION_NAMES) return '(other)';
      this.operationNames.add(name);
    }
    return name;
  }

  private postgresPool(): PostgresPool | null {
    if (this.dataSource.options.type !== 'postgres') return null;
    return (this.dataSource.driver as unknown as { master: PostgresPool }).master ?? null;
  }
}
