import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { Clock } from '../common/clock';
import { BadUserInputError, ConflictError, DomainError } from '../common/errors';
import { TransactionRunner } from '../common/transactions';
import { validateInput } from '../common/validation.pipe';
import { CreateBlueprintInput } from '../blueprints/dto/blueprint.inputs';
import { SubmitFeedbackInput } from '../feedback/dto/feedback.inputs';
import { CreateThemeInput } from '../themes/dto/theme.inputs';
import { FEEDBACK_KEY_PREFIX } from '../feedback/feedback-item.entity';
import { FeedbackService } from '../feedback/feedback.service';
import { OutcomeResult } from '../outcomes/outcome.enums';
import { OutcomesService } from '../outcomes/outcomes.service';
import { ReleasesService } from '../releases/releases.service';
import { THEME_KEY_PREFIX } from '../themes/theme.entity';
import { ThemesService } from '../themes/themes.service';
import { ImportCount, ImportProblem, ImportReport } from './dto/import.models';
import { ImportRecordRow } from './import-record.entity';
import {
  BlueprintRecord,
  FeedbackRecord,
  Importer,
  IMPORTERS,
  ImportFile,
  ImportRecord,
  RecordKind,
  SourceRef,
  ThemeRecord,
  UnreadableFileError,
} from './importer';

type Outcome = 'created' | 'updated' | 'unchanged';

/** Records applied in one transaction: small enough that other writes wait little, large enough that commits stay few. */
export const IMPORT_BATCH_SIZE = 100;

/** How far an import has got. */
export interface ImportProgress {
  /** Records applied (created, updated, unchanged or skipped). */
  done: number;
  total: number;
  /** The report so far. */
  report: ImportReport;
}

export interface ImportOptions {
  /** Report what would happen, and write nothing. */
  dryRun?: boolean;
  batchSize?: number;
  /** Once the files are parsed, with the number of records to apply. */
  onStart?: (total: number) => Promise<void> | void;
  /**
   * After each batch, inside its transaction: what it writes commits with
   * the batch (and, in a dry run, is rolled back with everything else).
   */
  onBatch?: (progress: ImportProgress) => Promise<void> | void;
  /** Checked before each batch: once aborted, the import stops with the batches done so far committed. */
  signal?: AbortSignal;
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/** Thrown at the end of a dry run, so that its transaction rolls back. */
class DryRunRollback extends Error {}

const KIND_ORDER: Record<RecordKind, number> = { theme: 0, blueprint: 1, feedback: 2 };

/** What a source said about a record, without where it said it: equal fingerprints, nothing new. */
function fingerprint(record: ImportRecord): string {
  const { at: _at, ...said } = record;
  return createHash('sha256').update(JSON.stringify(said)).digest('hex');
}

/** Themes before the blueprints that answer them, parents before children, requests last. */
function applicationOrder(records: ImportRecord[]): ImportRecord[] {
  const depth = (record: ImportRecord, seen = new Set<string>()): number => {
    if (record.kind !== 'theme' || !record.parentSourceKey || seen.has(record.sourceKey)) return 0;
    const parent = records.find((other) => other.kind === 'theme' && other.sourceKey === record.parentSourceKey);
    return parent ? 1 + depth(parent, seen.add(record.sourceKey)) : 0;
  };
  return [...records].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || depth(a) - depth(b));
}

const problem = (kind: string, at: SourceRef, reason: string): ImportProblem => ({
  kind,
  file: at.file,
  line: at.line ?? null,
  path: at.path ?? null,
  reason,
});

/** Why a record was refused, in the words of the error a client of the API would have seen. */
function reasonOf(error: DomainError): string {
  const fields = error instanceof BadUserInputError ? error.problems : [];
  const said = (field: { field: string; message: string }) => {
    const name = field.field.replace(/^input\./, '');
    // class-validator's messages begin with the property already ("title must be longer than …").
    return field.message.startsWith(name.split('.').pop()!) ? field.message : `${name} ${field.message}`;
  };
  return fields.length ? fields.map(said).join('; ') : error.message;
}

/**
 * Imports records from files through the same services as the API, so that
 * stages move and every change is an event with the importing actor. Each
 * batch of records is one transaction and each record a savepoint in it: a
 * bad record is skipped with its reason, a file that cannot be read writes
 * nothing. Every imported record remembers its source, so a second import of
 * the same files changes nothing, and one stopped halfway is finished by
 * importing the files again.
 */
@Injectable()
export class ImportService {
  constructor(
    @Inject(IMPORTERS) private readonly importers: Importer[],
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
    private readonly outcomes: OutcomesService,
    private readonly feedback: FeedbackService,
    private readonly releases: ReleasesService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get rows(): Repository<ImportRecordRow> {
    return this.tx.repository(ImportRecordRow);
  }

  get formats(): Importer[] {
    return this.importers;
  }

  importerOf(format: string, field = 'format'): Importer {
    const importer = this.importers.find((candidate) => candidate.format === format);
    if (!importer) {
      throw BadUserInputError.field(field, `must be one of ${this.importers.map((candidate) => candidate.format).join(', ')}`);
    }
    return importer;
  }

  /** The id of the record an import made of this source record, if any. */
  async recordOf(kind: RecordKind, sourceKey: string): Promise<number | null> {
    const row = await this.rows.findOneBy({ recordType: kind, sourceKey });
    return row?.recordId ?? null;
  }

  /**
   * Imports the files, batch by batch: each batch of records is one
   * transaction (each record a savepoint in it), so that other writes go on
   * between batches. A dry run applies every batch in one transaction and
   * rolls it back at the end.
   */
  async run(by: Actor, format: string, files: ImportFile[], options: ImportOptions = {}): Promise<ImportReport> {
    const importer = this.importerOf(format);
    const dryRun = options.dryRun ?? false;
    let report = new ReportBuilder(format, dryRun);
    const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
    const batches = files.flatMap((file) => chunks(applicationOrder(this.parse(importer, file, report)), batchSize));
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    await options.onStart?.(total);
    // A transaction that lost a race on PostgreSQL is run again from its start: it reports from a copy of the report as it stood then.
    const applyBatch = async (batch: ImportRecord[], into: ReportBuilder, doneBefore: number) => {
      for (const record of batch) {
        try {
          into.count(record.kind, await this.tx.run(() => this.apply(by, importer.format, record, into)));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          into.skip(record.kind, record.at, reasonOf(error));
        }
      }
      await options.onBatch?.({ done: doneBefore + batch.length, total, report: into.build() });
    };
    if (!dryRun) {
      let done = 0;
      for (const batch of batches) {
        options.signal?.throwIfAborted();
        const before = report;
        report = await this.tx.run(async () => {
          const attempt = before.copy();
          await applyBatch(batch, attempt, done);
          return attempt;
        });
        done += batch.length;
      }
      return report.build();
    }
    const before = report;
    try {
      await this.tx.run(async () => {
        report = before.copy();
        let done = 0;
        for (const batch of batches) {
          options.signal?.throwIfAborted();
          await applyBatch(batch, report, done);
          done += batch.length;
        }
        throw new DryRunRollback();
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
    return report.build();
  }

  /** The records of a file, with what it leaves out in the report; none when it cannot be read at all. */
  private parse(importer: Importer, file: ImportFile, report: ReportBuilder): ImportRecord[] {
    let parsed;
    try {
      parsed = importer.parse(file);
    } catch (error) {
      if (!(error instanceof UnreadableFileError)) throw error;
      report.file(file.name, 0, error.message);
      return [];
    }
    report.file(file.name, parsed.records.length, null);
    parsed.skips.forEach((skip) => report.skip(skip.kind, skip.at, skip.reason));
    parsed.notes?.forEach((note) => report.note(note.kind, note.at, note.reason));
    return parsed.records;
  }

  private apply(by: Actor, format: string, record: ImportRecord, report: ReportBuilder): Promise<Outcome> {
    switch (record.kind) {
      case 'theme':
        return this.applyTheme(by, format, record);
      case 'blueprint':
        return this.applyBlueprint(by, format, record, report);
      case 'feedback':
        return this.applyFeedback(by, format, record);
    }
  }

  /** The record this source key made before, in this format or another (a proposal and its tracker share a theme). */
  private async previous(format: string, record: ImportRecord): Promise<{ own: ImportRecordRow | null; recordId: number | null }> {
    const rows = await this.tx.manager.findBy(ImportRecordRow, { sourceKey: record.sourceKey, recordType: record.kind });
    const own = rows.find((row) => row.format === format) ?? null;
    return { own, recordId: (own ?? rows[0])?.recordId ?? null };
  }

  private async remember(by: Actor, format: string, record: ImportRecord, recordId: number, own: ImportRecordRow | null): Promise<void> {
    const now = this.clock.now();
    const print = fingerprint(record);
    if (own) {
      await this.tx.manager.update(ImportRecordRow, { id: own.id }, { recordId, fingerprint: print, lastImportedAt: now });
    } else {
      await this.tx.manager.insert(ImportRecordRow, {
        format,
        sourceKey: record.sourceKey,
        recordType: record.kind,
        recordId,
        fingerprint: print,
        importedById: by.id,
        firstImportedAt: now,
        lastImportedAt: now,
      });
    }
  }

  private async themeKeyOf(sourceKey: string): Promise<string | null> {
    const row = await this.tx.manager.findOneBy(ImportRecordRow, { sourceKey, recordType: 'theme' });
    return row ? `${THEME_KEY_PREFIX}${row.recordId}` : null;
  }

  private async applyTheme(by: Actor, format: string, record: ThemeRecord): Promise<Outcome> {
    const { own, recordId } = await this.previous(format, record);
    const existing = recordId === null ? null : await this.themes.findByKey(`${THEME_KEY_PREFIX}${recordId}`, 'key');
    if (existing && own?.fingerprint === fingerprint(record)) return 'unchanged';
    const parentKey = record.parentSourceKey ? await this.themeKeyOf(record.parentSourceKey) : null;
    if (record.parentSourceKey && !parentKey) {
      throw BadUserInputError.field('parent', `the theme it sits under (${record.parentSourceKey}) was not imported`);
    }
    const fields = {
      description: record.description,
      status: record.status,
      specUrl: record.specUrl,
      gerritTopic: record.gerritTopic,
      parentKey: parentKey ?? undefined,
    };
    await validateInput(CreateThemeInput, { title: record.title, kind: record.themeKind, ...fields, links: record.links });
    if (!existing) {
      const theme = await this.themes.create(by, { title: record.title, kind: record.themeKind, ...fields, links: record.links });
      await this.remember(by, format, record, theme.id, own);
      return 'created';
    }
    const links = record.links ? [...new Set([...existing.links, ...record.links])] : undefined;
    const updated = await this.themes.update(by, { key: existing.key, title: record.title, kind: record.themeKind, ...fields, links });
    await this.remember(by, format, record, existing.id, own);
    return updated.version !== existing.version ? 'updated' : 'unchanged';
  }

  private async applyBlueprint(by: Actor, format: string, record: BlueprintRecord, report: ReportBuilder): Promise<Outcome> {
    const { own } = await this.previous(format, record);
    const existing = await this.blueprints.findByName(record.project, record.name);
    if (existing && own?.fingerprint === fingerprint(record)) return 'unchanged';
    const known = async (release: string | null | undefined, what: string) => {
      if (!release) return release;
      if (await this.releases.findByName(release)) return release;
      report.note('blueprint', record.at, `${what} "${release}" is not a known release; left out`);
      return undefined;
    };
    const fields = {
      project: record.project,
      name: record.name,
      url: record.url,
      specUrl: record.specUrl,
      gerritTopic: record.gerritTopic,
      definitionStatus: record.definitionStatus,
      implementationStatus: record.implementationStatus,
      targetRelease: await known(record.targetRelease, 'target release'),
    };
    await validateInput(CreateBlueprintInput, { ...fields, title: record.title });
    let outcome: Outcome;
    let blueprint;
    if (existing) {
      blueprint = await this.blueprints.update(by, fields);
      outcome = blueprint.version !== existing.version ? 'updated' : 'unchanged';
    } else {
      blueprint = await this.blueprints.create(by, { ...fields, title: record.title });
      outcome = 'created';
    }
    if (record.themeSourceKey) {
      const themeKey = await this.themeKeyOf(record.themeSourceKey);
      if (!themeKey) {
        report.note('blueprint', record.at, `the theme it answers (${record.themeSourceKey}) was not imported; not linked`);
      } else if (await this.linkOnce(by, blueprint.project, blueprint.name, themeKey)) {
        outcome = outcome === 'unchanged' ? 'updated' : outcome;
      }
    }
    const deliveredIn = await known(record.deliveredIn, 'delivering release');
    if (deliveredIn) {
      const before = await this.outcomes.ofBlueprints([blueprint.id]);
      const recorded = await this.outcomes.record(by, {
        project: blueprint.project,
        name: blueprint.name,
        release: deliveredIn,
        result: OutcomeResult.DELIVERED,
        notes: record.specUrl ? `implemented according to ${record.specUrl}` : null,
      });
      if (!before.some((known) => known.id === recorded.id && known.result === OutcomeResult.DELIVERED)) {
        outcome = outcome === 'unchanged' ? 'updated' : outcome;
      }
    }
    await this.remember(by, format, record, blueprint.id, own);
    return outcome;
  }

  /** Links a blueprint to a theme unless it is linked already; true when it made the link. */
  private async linkOnce(by: Actor, project: string, name: string, themeKey: string): Promise<boolean> {
    try {
      await this.tx.run(() => this.blueprints.link(by, { project, name, themeKey }));
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  private async applyFeedback(by: Actor, format: string, record: FeedbackRecord): Promise<Outcome> {
    const { own, recordId } = await this.previous(format, record);
    const existing = recordId === null ? null : await this.feedback.findByKey(`${FEEDBACK_KEY_PREFIX}${recordId}`, 'key');
    if (existing && own?.fingerprint === fingerprint(record)) return 'unchanged';
    const fields = {
      title: record.title,
      body: record.body,
      origin: record.origin,
      projects: record.projects,
      tags: record.tags,
      organization: record.organization,
      releaseInUse: record.releaseInUse,
      sourceUrl: record.sourceUrl,
    };
    await validateInput(SubmitFeedbackInput, { ...fields, sourceLine: record.sourceLine });
    if (!existing) {
      const item = await this.feedback.submit(by, { ...fields, sourceLine: record.sourceLine });
      if (record.importedVotes) await this.feedback.setImportedVotes(by, item.key, record.importedVotes);
      await this.remember(by, format, record, item.id, own);
      return 'created';
    }
    const updated = await this.feedback.update(by, { key: existing.key, ...fields });
    const voted = await this.feedback.setImportedVotes(by, existing.key, record.importedVotes);
    await this.remember(by, format, record, existing.id, own);
    return updated.version !== existing.version || voted.importedVotes !== existing.importedVotes ? 'updated' : 'unchanged';
  }
}

/** Gathers what an import did, per kind of record. */
class ReportBuilder {
  private readonly report: ImportReport;

  constructor(format: string, dryRun: boolean) {
    this.report = { format, dryRun, files: [], counts: [], skipped: [], notes: [] };
  }

  /** Another builder that goes on from this one as it stands, leaving this one as it is. */
  copy(): ReportBuilder {
    const copy = new ReportBuilder(this.report.format, this.report.dryRun);
    Object.assign(copy.report, this.build());
    return copy;
  }

  private counter(kind: string): ImportCount {
    let count = this.report.counts.find((candidate) => candidate.kind === kind);
    if (!count) {
      count = { kind, created: 0, updated: 0, unchanged: 0, skipped: 0 };
      this.report.counts.push(count);
    }
    return count;
  }

  file(name: string, records: number, error: string | null): void {
    this.report.files.push({ name, records, error });
  }

  count(kind: RecordKind, outcome: Outcome): void {
    this.counter(kind)[outcome] += 1;
  }

  skip(kind: RecordKind, at: SourceRef, reason: string): void {
    this.counter(kind).skipped += 1;
    this.report.skipped.push(problem(kind, at, reason));
  }

  note(kind: RecordKind, at: SourceRef, reason: string): void {
    this.report.notes.push(problem(kind, at, reason));
  }

  /** The report as it stands: a copy, so that what is handed out does not change under its reader. */
  build(): ImportReport {
    const counts = [...this.report.counts].sort((a, b) => KIND_ORDER[a.kind as RecordKind] - KIND_ORDER[b.kind as RecordKind]);
    return {
      ...this.report,
      files: [...this.report.files],
      counts: counts.map((count) => ({ ...count })),
      skipped: [...this.report.skipped],
      notes: [...this.report.notes],
    };
  }
}
