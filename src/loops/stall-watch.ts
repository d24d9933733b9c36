import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../common/transactions';
import { CONFIG, LooptraceConfig } from '../config/config';
import { HistoryService } from '../history/history.service';
import { LoopStateStore } from './loop-state';
import { LoopFactsService } from './loop-facts.service';
import { deriveStage } from './stage';
import { EventType } from '../history/event-catalogue';

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
    private readonly loopState: LoopStateStore,
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

  /** Reports every loop that stalled since the last sweep; resolves to how many. One sweep runs at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= this.reportStalls().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async reportStalls(): Promise<number> {
    let reported = 0;
    for (;;) {
      const count = await this.tx.run(async () => {
        const now = this.clock.now();
        const stalled = await this.loopState.newlyStalled(BATCH);
        const records = await this.facts.loadFor(stalled);
        for (const item of stalled) {
          await this.history.record({
            type: EventType.LOOP_STALLED,
            recordKey: item.key,
            actorId: null,
            data: {
              stage: item.stage,
              lastEventAt: item.lastEventAt.toISOString(),
              days: this.config.stalls.days,
              waitingOn: deriveStage(records.get(item.id)!.facts).waitingOn,
            },
            touches: { feedback: [item.id] },
          });
        }
        await this.loopState.markStallReported(
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
