import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, LooptraceConfig } from '../config/config';
import { MIGRATIONS } from '../database/migrations';
import { LEASE_MARGIN_MS, WebhookWorker } from '../webhooks/webhook-worker';

/** How long the database may take to answer a probe before the service counts as not ready. */
const PING_TIMEOUT_MS = 3000;

/**
 * How long the webhook worker has been silent past what a healthy one ever
 * is: 0 when it is well, null when it is off (WEBHOOK_POLL_MS=0). A round
 * may wait on a slow receiver for a whole attempt timeout before the next
 * one starts.
 */
export function workerSilence(
  state: { polling: boolean; lastBeatAt: number | null },
  webhooks: { pollMs: number; timeoutMs: number },
  now: number,
): number | null {
  if (!state.polling) return null;
  const silentForMs = now - (state.lastBeatAt ?? 0);
  return silentForMs <= 3 * webhooks.pollMs + webhooks.timeoutMs + LEASE_MARGIN_MS ? 0 : silentForMs;
}

/**
 * Probes for whoever runs the service (a container's HEALTHCHECK, a load
 * balancer, Kubernetes), open without a token and writing nothing: live when
 * the process answers at all; ready when the database answers, its schema
 * has every migration of this build, and the webhook worker keeps polling.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly worker: WebhookWorker,
    @Inject(getDataSourceToken()) private readonly reader: DataSource,
    @Inject(CONFIG) private readonly config: LooptraceConfig,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database', { connection: this.reader, timeout: PING_TIMEOUT_MS }),
      () => this.migrations(),
      () => this.webhookWorker(),
    ]);
  }

  private async migrations() {
    const check = this.indicators.check('migrations');
    const applied = new Set(((await this.reader.query('SELECT name FROM migrations')) as Array<{ name: string }>).map((row) => row.name));
    const missing = MIGRATIONS.map((migration) => new migration().name!).filter((name) => !applied.has(name));
    return missing.length ? check.down({ missing }) : check.up({ applied: applied.size });
  }

  private webhookWorker() {
    const check = this.indicators.check('webhookWorker');
    const silentForMs = workerSilence(this.worker.state(), this.config.webhooks, Date.now());
    if (silentForMs === null) return check.up({ polling: false });
    return silentForMs === 0 ? check.up({ polling: true }) : check.down({ polling: true, silentForMs });
  }
}
