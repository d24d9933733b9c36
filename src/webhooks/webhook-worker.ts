import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CONFIG, LooptraceConfig } from '../config/config';
import { signature } from './webhook-signature';
import { ClaimedDelivery, WebhooksService } from './webhooks.service';

/** Deliveries sent at once in a round; the rest wait for the next round. */
const ROUND_SIZE = 20;

/** How much longer than an attempt's timeout a lease lasts, for recording the attempt after it. */
export const LEASE_MARGIN_MS = 5000;

const ERROR_MAX_LENGTH = 300;

type SendResult = { statusCode: number | null; error: string | null };

type ErrorLike = { name?: unknown; message?: unknown; cause?: { message?: unknown } };

/** A short reason for the delivery's log: what a receiver's operator can act on, never a stack. */
function failureOf(error: unknown, timeoutMs: number): string {
  // Read by shape, not by prototype: fetch's errors need not share this realm's Error.
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const reason = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return `${typeof message === 'string' ? message : String(error)}${reason}`.slice(0, ERROR_MAX_LENGTH);
}

/**
 * Sends the webhook outbox: every poll it leases the deliveries that are
 * due, POSTs them outside any transaction and records what came of each.
 * One round runs at a time, and shutting down waits for the round in flight.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookWorker');
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<number> | null = null;
  private lastRoundAt: number | null = null;
  private startedAt: number | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly webhooks: WebhooksService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.webhooks.pollMs === 0) return;
    this.timer = setInterval(() => void this.deliverDue(), this.config.webhooks.pollMs);
    this.timer.unref();
    this.startedAt = Date.now();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }

  /**
   * For the health check: whether the worker polls (it is off with
   * WEBHOOK_POLL_MS=0), and when it last showed life (epoch ms): the start of
   * its last round, or its own start before the first.
   */
  state(): { polling: boolean; lastBeatAt: number | null } {
    return { polling: this.timer !== null, lastBeatAt: this.lastRoundAt ?? this.startedAt };
  }

  /** Sends what is due, up to a round's worth; resolves to how many were attempted. */
  deliverDue(): Promise<number> {
    this.round ??= this.sendRound()
      .catch((error: unknown) => {
        this.logger.error(`Webhook round failed: ${(error as Error).message}`);
        return 0;
      })
      .finally(() => (this.round = null));
    return this.round;
  }

  private async sendRound(): Promise<number> {
    this.lastRoundAt = Date.now();
    const claimed = await this.webhooks.claimDue(ROUND_SIZE, this.config.webhooks.timeoutMs + LEASE_MARGIN_MS);
    const results = await Promise.allSettled(claimed.map((delivery) => this.attempt(delivery)));
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        this.logger.error(`Recording an attempt of delivery ${claimed[index].delivery.id} failed: ${(result.reason as Error).message}`);
      }
    });
    return claimed.length;
  }

  private async attempt({ delivery, webhook }: ClaimedDelivery): Promise<void> {
    const attemptedAt = this.clock.now();
    const started = performance.now();
    const result = await this.post(webhook.url, webhook.secret, delivery.id, delivery.payload, Math.floor(attemptedAt.getTime() / 1000));
    if (result.error) {
      this.logger.warn(`Webhook delivery ${delivery.id} (webhook ${webhook.id}, attempt ${delivery.attempts + 1} of ${this.config.webhooks.maxAttempts}) failed: ${result.error}`);
    }
    await this.webhooks.recordAttempt(delivery.id, { attemptedAt, durationMs: Math.round(performance.now() - started), ...result });
  }

  private async post(url: string, secret: string, deliveryId: string, body: string, timestamp: number): Promise<SendResult> {
    const { timeoutMs } = this.config.webhooks;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Looptrace-Webhooks',
          'X-Looptrace-Event': (JSON.parse(body) as { type: string }).type,
          'X-Looptrace-Delivery': deliveryId,
          'X-Looptrace-Timestamp': String(timestamp),
          'X-Looptrace-Signature': signature(secret, timestamp, body),
        },
        body,
        // Following a redirect would hand the signed body to an address nobody registered.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { statusCode: response.status, error: null };
      return { statusCode: response.status, error: `HTTP ${response.status} ${response.statusText}`.trim() };
    } catch (error) {
      return { statusCode: null, error: failureOf(error, timeoutMs) };
    }
  }
}
