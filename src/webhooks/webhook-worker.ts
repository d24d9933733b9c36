import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Clock } from '../common/clock';
import { CONFIG, LooptraceConfig } from '../config/config';
import { WebhookAddresses } from './webhook-addresses';
import { signature } from './webhook-signature';
import { ClaimedDelivery, WebhooksService } from './webhooks.service';

/** Deliveries sent at once in a round; the rest wait for the next round. */
const ROUND_SIZE = 20;

/** How much longer than an attempt's timeout a lease lasts, for recording the attempt after it. */
export const LEASE_MARGIN_MS = 5000;

const ERROR_MAX_LENGTH = 300;

type SendResult = { statusCode: number | null; error: string | null };

/** A short reason for the delivery's log: what a receiver's operator can act on, never a stack. */
function failureOf(error: Error): string {
  // Trying each address of a name in turn fails with the errors of all of them, and no message of its own.
  const messages = error instanceof AggregateError ? error.errors.map((each: Error) => each.message) : [error.message];
  return (messages.join('; ') || error.name).slice(0, ERROR_MAX_LENGTH);
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
    private readonly addresses: WebhookAddresses,
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
    if (!URL.canParse(url)) return { statusCode: null, error: 'refused: the URL does not parse' };
    const target = new URL(url);
    const refusal = this.addresses.refusalOf(target);
    if (refusal) return { statusCode: null, error: `refused: ${refusal}` };
    const { timeoutMs } = this.config.webhooks;
    const signal = AbortSignal.timeout(timeoutMs);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<SendResult>((resolve) => {
      const request = send(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Looptrace-Webhooks',
            'X-Looptrace-Event': (JSON.parse(body) as { type: string }).type,
            'X-Looptrace-Delivery': deliveryId,
            'X-Looptrace-Timestamp': String(timestamp),
            'X-Looptrace-Signature': signature(secret, timestamp, body),
          },
          // The socket connects only to addresses this lookup has checked, whatever the name resolves to by then.
          lookup: this.addresses.lookup,
          // A connection of its own for each attempt: a kept-alive one would skip the check of the address.
          agent: false,
          signal,
        },
        (response) => {
          const statusCode = response.statusCode ?? null;
          // The answer's body is not read; a redirect is not followed, as it would hand the signed body to an address nobody registered.
          response.destroy();
          if (statusCode !== null && statusCode >= 200 && statusCode < 300) resolve({ statusCode, error: null });
          else resolve({ statusCode, error: `HTTP ${statusCode} ${response.statusMessage ?? ''}`.trim() });
        },
      );
      request.on('error', (error) => resolve({ statusCode: null, error: signal.aborted ? `no answer within ${timeoutMs} ms` : failureOf(error) }));
      request.end(body);
    });
  }
}
