import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventEmitter, on } from 'node:events';
import { In, LessThan, Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/errors';
import { Connection, PageArgs, paginate } from '../common/pagination';
import { RequestScopes } from '../common/request-scope';
import { TransactionRunner } from '../common/transactions';
import { CONFIG, LooptraceConfig } from '../config/config';
import { FINISHED_IMPORT_STATUSES, ImportJob, ImportJobStatus } from './import-job.entity';
import { ImportService } from './import.service';
import { ImportFile } from './importer';

/** On PostgreSQL, a job another instance runs writes its progress at least this often; one silent for longer was interrupted. */
const STALE_AFTER_MS = 15 * 60_000;
const SWEEP_EVERY_MS = 5 * 60_000;

type JobChanges = Partial<Pick<ImportJob, 'status' | 'recordsTotal' | 'recordsDone' | 'report' | 'error' | 'startedAt' | 'finishedAt'>>;

/**
 * Runs imports in the background, one after another, and keeps their
 * progress. An import that writes records its progress in each batch's
 * transaction, so what a job says it did is what committed; a dry run keeps
 * its progress in memory until it ends (its work is rolled back anyway).
 * Jobs cut short by a shutdown or a crash end FAILED, and importing the same
 * files again finishes their work.
 */
@Injectable()
export class ImportJobs implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Imports');
  /** Jobs this instance has queued or is running, as they stand now. */
  private readonly live = new Map<number, ImportJob>();
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private readonly stopping = new AbortController();
  private queue: Promise<void> = Promise.resolve();
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CONFIG) private readonly config: LooptraceConfig,
    private readonly imports: ImportService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get jobs(): Repository<ImportJob> {
    return this.tx.repository(ImportJob);
  }

  async onModuleInit(): Promise<void> {
    await this.failInterrupted();
    if (this.config.database.engine === 'postgres') {
      this.sweep = setInterval(() => void this.failInterrupted().catch((error: Error) => this.logger.error(error.message)), SWEEP_EVERY_MS).unref();
    }
  }

  /** Lets the running job finish its batch and stop; the jobs queued behind it stop before they start. */
  async onModuleDestroy(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    this.stopping.abort();
    await this.queue;
  }

  /** Queues an import of the files and returns its job at once. */
  async start(by: Actor, format: string, files: ImportFile[], dryRun: boolean): Promise<ImportJob> {
    this.imports.importerOf(format, 'input.format');
    const now = this.clock.now();
    const job = await this.tx.run(async () => {
      const queued = this.tx.manager.create(ImportJob, {
        format,
        dryRun,
        status: ImportJobStatus.QUEUED,
        requestedById: by.id,
        fileNames: files.map((file) => file.name),
        recordsTotal: 0,
        recordsDone: 0,
        report: null,
        error: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        updatedAt: now,
      });
      return this.tx.manager.save(queued);
    });
    this.live.set(job.id, job);
    this.queue = this.queue.then(() => this.execute(job, by, files));
    return { ...job };
  }

  /** The job as it stands now: from this instance when it runs it here, else as last committed; null when there is none. */
  async byId(id: number): Promise<ImportJob | null> {
    const running = this.live.get(id);
    return running ? { ...running } : this.jobs.findOneBy({ id });
  }

  /** Every import, newest first. */
  list(page: PageArgs): Promise<Connection<ImportJob>> {
    return paginate(this.jobs.createQueryBuilder('job'), page, [{ path: 'job.id', direction: 'DESC', value: (job) => job.id }]);
  }

  /** The job now, then after each batch, until it finishes (or the service shuts down). */
  async *follow(id: number): AsyncGenerator<ImportJob> {
    const events = on(this.changes, `job:${id}`, { signal: this.stopping.signal });
    let current = await this.byId(id);
    if (!current) throw new NotFoundError('import job', String(id), 'id');
    yield current;
    if (FINISHED_IMPORT_STATUSES.includes(current.status)) return;
    try {
      for await (const [job] of events) {
        current = job as ImportJob;
        yield current;
        if (FINISHED_IMPORT_STATUSES.includes(current.status)) return;
      }
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  private async execute(job: ImportJob, by: Actor, files: ImportFile[]): Promise<void> {
    // The job's statements take turns with requests as a requester of its own.
    await RequestScopes.run({ id: `import-job-${job.id}`, deadline: null, timeoutMs: null }, async () => {
      try {
        this.stopping.signal.throwIfAborted();
        await this.store(job, { status: ImportJobStatus.RUNNING, startedAt: this.clock.now() });
        const report = await this.imports.run(by, job.format, files, {
          dryRun: job.dryRun,
          signal: this.stopping.signal,
          onStart: (total) => (job.dryRun ? this.note(job, { recordsTotal: total }) : this.store(job, { recordsTotal: total })),
          onBatch: ({ done, report }) => (job.dryRun ? this.note(job, { recordsDone: done, report }) : this.store(job, { recordsDone: done, report })),
        });
        await this.store(job, { status: ImportJobStatus.SUCCEEDED, report, finishedAt: this.clock.now() });
      } catch (error) {
        await this.store(job, { status: ImportJobStatus.FAILED, error: this.failure(job, error), finishedAt: this.clock.now() }).catch((stored: Error) =>
          this.logger.error(`Import job ${job.id} failed and its failure could not be recorded: ${stored.message}`),
        );
      } finally {
        this.live.delete(job.id);
      }
    });
  }

  /** Why a job stopped, in words for its requester; what is not theirs to see goes to the log. */
  private failure(job: ImportJob, error: unknown): string {
    const progress = `after ${job.recordsDone} of ${job.recordsTotal} records`;
    const again = 'Import the same files again to finish: records already imported are left as they are.';
    if ((error as Error)?.name === 'AbortError') return `Stopped by a shutdown of the service ${progress}. ${again}`;
    if (error instanceof DomainError) return `${error.message} (${progress}). ${again}`;
    this.logger.error(`Import job ${job.id} failed ${progress}`, error instanceof Error ? error.stack : String(error));
    return `An unexpected error stopped it ${progress}; the service log has the details. ${again}`;
  }

  /**
   * Changes the job in the database (inside the current transaction, when
   * there is one: a batch's), then, once that commits, here, and tells its
   * followers: what they hear has committed.
   */
  private async store(job: ImportJob, changes: JobChanges): Promise<void> {
    await this.tx.run(async () => {
      await this.tx.manager.update(ImportJob, { id: job.id }, { ...changes, updatedAt: this.clock.now() });
      this.tx.afterCommit(() => this.note(job, changes));
    });
  }

  /** Changes the job as this instance sees it (a dry run's progress), and tells its followers. */
  private note(job: ImportJob, changes: JobChanges): void {
    Object.assign(job, changes, { updatedAt: this.clock.now() });
    this.changes.emit(`job:${job.id}`, { ...job });
  }

  /** Jobs left unfinished by a process that stopped: on SQLite every one (a file has one service), on PostgreSQL those silent too long. */
  private async failInterrupted(): Promise<void> {
    const before = this.config.database.engine === 'postgres' ? new Date(this.clock.now().getTime() - STALE_AFTER_MS) : undefined;
    const unfinished = await this.jobs.find({
      where: { status: In([ImportJobStatus.QUEUED, ImportJobStatus.RUNNING]), ...(before ? { updatedAt: LessThan(before) } : {}) },
    });
    const mine = unfinished.filter((job) => !this.live.has(job.id));
    if (!mine.length) return;
    const now = this.clock.now();
    await this.tx.run(async () => {
      for (const job of mine) {
        await this.tx.manager.update(ImportJob, { id: job.id, status: In([ImportJobStatus.QUEUED, ImportJobStatus.RUNNING]) }, {
          status: ImportJobStatus.FAILED,
          error: `Interrupted when the service stopped, after ${job.recordsDone} of ${job.recordsTotal} records. Import the same files again to finish: records already imported are left as they are.`,
          finishedAt: now,
          updatedAt: now,
        });
      }
    });
    this.logger.warn(`Marked ${mine.length} interrupted import job(s) as failed.`);
  }
}
