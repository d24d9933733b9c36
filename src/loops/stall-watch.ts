import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DAY_MS } from '../common/time';
import { TransactionRunner } from '../common/transactions';
import { CONFIG, LooptraceConfig } from '../config/config';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { LoopStage } from '../feedback/feedback.enums';
import { FeedbackService } from '../feedback/feedback.service';
import { HistoryService } from '../history/history.service';
import { LoopFactsService } from './loop-facts.service';
import { deriveStage } from './stage';

const BATCH = 200;

/**
 * Notices loops that stopped moving: open, with no event for the configured
 * number of days. Each stall is reported once, as one loop.stalled event; the
 * report itself does not count as activity, so a loop is reported again only
 * after it moved and stalled anew.
 */
@Injectable()
export class StallWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('StallWatch');
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly feedback: FeedbackService,
    private readonly facts: LoopFactsService,
    private readonly history: HistoryService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.stalls.sweepMs === 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.logger.error(`Sweep failed: ${(error as Error).message}`));
    }, this.config.stalls.sweepMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** When an open loop became stalled, or null if it is moving (or closed). */
  stalledSince(item: FeedbackItem, now = this.clock.now()): Date | null {
    if (item.stage === LoopStage.CLOSED) return null;
    const since = new Date(item.lastEventAt.getTime() + this.config.stalls.days * DAY_MS);
    return since <= now ? since : null;
  }

  /** Reports every loop that stalled since the last sweep; resolves to how many. One sweep runs at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= this.reportStalls().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async reportStalls(): Promise<number> {
    let reported = 0;
    for (;;) {
      const count = await this.tx.run(async (em) => {
        const now = this.clock.now();
        const cutoff = new Date(now.getTime() - this.config.stalls.days * DAY_MS);
        const stalled = await this.feedback.newlyStalled(em, cutoff, BATCH);
        const records = await this.facts.loadFor(stalled, em);
        for (const item of stalled) {
          await this.history.record(em, {
            type: 'loop.stalled',
            recordType: 'feedback',
            recordKey: item.key,
            actorId: null,
            data: {
              stage: item.stage,
              lastEventAt: item.lastEventAt.toISOString(),
              days: this.config.stalls.days,
              waitingOn: deriveStage(records.get(item.id)!.facts).waitingOn,
            },
            touches: { feedback: [item.id] },
            derived: true,
            activity: false,
          });
        }
        await this.feedback.markStallReported(
          em,
          stalled.map((item) => item.id),
          now,
        );
        return stalled.length;
      });
      reported += count;
      if (count < BATCH) return reported;
    }
  }
}
