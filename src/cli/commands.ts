import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { COMMAND_LINE } from '../actors/personal-data';
import { Role } from '../actors/role';
import { AppModule } from '../app.module';
import { SLUG_PATTERN } from '../common/keys';
import { LooptraceConfig } from '../config/config';
import { CoreModule } from '../core.module';
import { FeedbackOrigin, LoopStage } from '../feedback/feedback.enums';
import { ImportService } from '../importers/import.service';
import { ImportFile } from '../importers/importer';
import { reportText } from '../importers/report-text';
import { ExportFormat } from '../loops/dto/export.inputs';
import { LoopFilter } from '../loops/dto/loop.inputs';
import { ExportsService } from '../loops/exports/exports.service';
import { LoopsService } from '../loops/loops.service';
import { backupSqlite } from './backup';
import { copyDatabase } from './db-copy';
import { loadDemo } from './demo';
import { terminalProgress } from './progress';

export const USAGE = `Usage: npm run cli -- <command>

  token create --email <email> --role <${Object.values(Role).join('|')}> [--name <name>] [--organization <org>] [--label <label>]
      Creates the actor if new, issues a token and prints the secret (shown once).
  schema print
      Prints the GraphQL schema (SDL), as committed in schema.gql.
  import <format> <file-or-folder>... [--dry-run] [--as <email>]
      Imports records (formats: pwg-tracker, forum-tags, pwg-proposal, csv); a folder is read
      for the files of that format. --dry-run reports without writing; --as names the importing
      actor (by default importer@looptrace.invalid, created as a product manager). It commits
      in batches of 100 records and shows its progress on a terminal.
  stages check
      Recomputes every loop from scratch and reports any whose stored stage, current stay,
      completing release or answering blueprints differ from what its links and outcomes derive.
  export loop <FB-n> [--format markdown|json] [--out <file>]
      Prints a loop's trace: the request, its stage and what it waits on, its themes, the
      blueprints per project with their outcomes, the time in each stage and the timeline.
  export release <name> [--format markdown|json] [--out <file>]
      Prints what a release did for the loops, per theme: those it closed and those it moved.
  export loops [--stage <stage>] [--origin USER|OPERATOR] [--project <project>] [--theme <TH-n>]
               [--release <name>] [--format csv] [--out <file>]
      Prints every loop the filter selects as CSV, with its stage and time in stage.
  Exports print to stdout, or write the file --out names.
  db backup --to <file>
      Backs up the SQLite database (DATABASE_PATH) into a new file, safely while the service runs.
  db copy --from <sqlite file> --to <postgres url>
      Copies a whole SQLite database into a new PostgreSQL database and verifies every table.
  demo [--folder <folder>]
      Loads the demo data (the working group's records in demo/, and a few triage decisions
      and links) into the configured database and prints a product manager's token.
`;

/** A mistake in the command line itself: the usage is shown with it. */
export class UsageError extends Error {}

export type Output = (text: string) => void;

/** The domain without the service's background work: the running service delivers webhooks and watches stalls. */
type CoreApp = { get: <S>(type: new (...args: never[]) => S) => S };

async function withCore<T>(config: LooptraceConfig, work: (app: CoreApp) => Promise<T>): Promise<T> {
  const quiet = { ...config, webhooks: { ...config.webhooks, pollMs: 0 }, stalls: { ...config.stalls, sweepMs: 0 } };
  const app = await NestFactory.createApplicationContext(CoreModule.forRoot(quiet), { logger: ['error', 'warn'] });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

export async function tokenCreate(config: LooptraceConfig, args: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      organization: { type: 'string' },
      label: { type: 'string' },
    },
  });
  const role = values.role?.toUpperCase() as Role | undefined;
  if (!values.email || !role || !Object.values(Role).includes(role)) {
    throw new UsageError(`token create needs --email and --role (${Object.values(Role).join(', ')})`);
  }
  const email = values.email;
  return withCore(config, async (app) => {
    const actors = app.get(ActorsService);
    const actor = await actors.findOrCreate({ email, role, name: values.name ?? email.split('@')[0], organization: values.organization ?? null });
    const { token, apiToken } = await actors.issueToken(null, actor.email, values.label ?? 'command line');
    out(`Token ${apiToken.id} for ${actor.email} (${actor.role}); the secret is shown only now:\n${token}\n`);
    return 0;
  });
}

export async function schemaPrint(config: LooptraceConfig, out: Output): Promise<number> {
  const app = await NestFactory.create(AppModule.forRoot({ ...config, database: { engine: 'sqlite', path: ':memory:' }, adminToken: null }), {
    logger: ['error'],
  });
  try {
    await app.init();
    out(printSchema(app.get(GraphQLSchemaHost).schema) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}

export function stagesCheck(config: LooptraceConfig, out: Output): Promise<number> {
  return withCore(config, async (app) => {
    const mismatches = await app.get(LoopsService).findStageMismatches();
    mismatches.forEach((m) => out(`${m.key} ${m.field}: stored ${m.stored}, derived ${m.derived}\n`));
    const loops = new Set(mismatches.map((m) => m.key)).size;
    out(mismatches.length ? `${loops} loops differ from their facts\n` : 'Every stored stage matches its facts.\n');
    return mismatches.length ? 1 : 0;
  });
}

/** The files named on the command line; a folder stands for its files of the format, found at any depth. */
function filesOf(paths: string[], accepts: (name: string) => boolean): ImportFile[] {
  return paths.flatMap((path) => {
    if (!statSync(path).isDirectory()) return [{ name: path, content: readFileSync(path) }];
    return readdirSync(path, { recursive: true, encoding: 'utf8' })
      .map((entry) => join(path, entry))
      .filter((entry) => statSync(entry).isFile() && accepts(basename(entry)))
      .sort()
      .map((entry) => ({ name: entry, content: readFileSync(entry) }));
  });
}

export async function importFiles(config: LooptraceConfig, args: string[], out: Output): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'dry-run': { type: 'boolean' }, as: { type: 'string' } } });
  const [format, ...paths] = positionals;
  if (!format || paths.length === 0) throw new UsageError('import needs a format and at least one file or folder');
  return withCore(config, async (app) => {
    const imports = app.get(ImportService);
    const importer = imports.importerOf(format);
    const progress = terminalProgress(process.stderr);
    const report = await imports.run(await importingActor(app, values.as), format, filesOf(paths, (name) => importer.accepts(name)), {
      dryRun: values['dry-run'],
      onBatch: ({ done, total }) => progress.update(done, total),
    });
    progress.end();
    out(reportText(report));
    return report.files.some((file) => file.error) ? 1 : 0;
  });
}

/** Who an import is recorded as: the actor named, or the service's own importer (a product manager). */
async function importingActor(app: CoreApp, email: string | undefined): Promise<Actor> {
  const actors = app.get(ActorsService);
  if (email) return actors.byEmail(email, '--as');
  return actors.findOrCreate({ email: 'importer@looptrace.invalid', name: 'Importer', role: Role.PRODUCT_MANAGER });
}

/** The demo data shipped with the project, next to the build and the sources alike. */
const DEMO_FOLDER = join(__dirname, '..', '..', 'demo');

export async function demo(config: LooptraceConfig, args: string[], out: Output): Promise<number> {
  const { values } = parsed(() => parseArgs({ args, options: { folder: { type: 'string' } } }));
  return withCore(config, async (app) => {
    const imports = app.get(ImportService);
    const by = await importingActor(app, undefined);
    const result = await loadDemo(app, values.folder ?? DEMO_FOLDER, async (format, path) =>
      reportText(await imports.run(by, format, filesOf([path], (name) => imports.importerOf(format).accepts(name)))),
    );
    out(result.reports.join('\n'));
    out(`\nThe demo product manager (${result.email}) triaged and linked ${result.curated} requests.\n`);
    out(`Start the service with \`npm start\`, open http://localhost:${config.port}/ide and paste this token (shown once):\n${result.token}\n`);
    return 0;
  });
}

const DOCUMENT_FORMATS: Record<string, ExportFormat> = { markdown: ExportFormat.MARKDOWN, json: ExportFormat.JSON };

/** An unknown option, or one without its value, is a mistake in the command line: the usage is shown with it. */
function parsed<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === value.toUpperCase());
  if (!found) throw new UsageError(`--${option} must be one of ${allowed.join(', ')}, got ${value}`);
  return found;
}

function written(text: string, file: string | undefined, out: Output): number {
  if (file === undefined) out(text);
  else {
    writeFileSync(file, text);
    out(`Wrote ${file}\n`);
  }
  return 0;
}

export async function exportText(config: LooptraceConfig, args: string[], out: Output): Promise<number> {
  const [what, ...rest] = args;
  if (what === 'loop' || what === 'release') {
    const { values, positionals } = parsed(() =>
      parseArgs({ args: rest, allowPositionals: true, options: { format: { type: 'string', default: 'markdown' }, out: { type: 'string' } } }),
    );
    const format = DOCUMENT_FORMATS[values.format.toLowerCase()];
    if (positionals.length !== 1 || !format) {
      throw new UsageError(`export ${what} needs one ${what === 'loop' ? 'feedback key' : 'release name'} and --format markdown or json`);
    }
    const [name] = positionals;
    return withCore(config, async (app) => {
      const exporter = app.get(ExportsService);
      return written(what === 'loop' ? await exporter.loop(name, format, COMMAND_LINE) : await exporter.release(name, format), values.out, out);
    });
  }
  if (what === 'loops') {
    const { values } = parsed(() =>
      parseArgs({
        args: rest,
        options: {
          stage: { type: 'string' },
          origin: { type: 'string' },
          project: { type: 'string' },
          theme: { type: 'string' },
          release: { type: 'string' },
          format: { type: 'string', default: 'csv' },
          out: { type: 'string' },
        },
      }),
    );
    if (values.format.toLowerCase() !== 'csv') throw new UsageError('export loops writes CSV only (--format csv)');
    if (values.project !== undefined && !SLUG_PATTERN.test(values.project)) throw new UsageError(`--project must be a project name such as nova, got ${values.project}`);
    const filter: LoopFilter = {
      stage: oneOf('stage', values.stage, Object.values(LoopStage)),
      origin: oneOf('origin', values.origin, Object.values(FeedbackOrigin)),
      project: values.project,
      themeKey: values.theme,
      release: values.release,
    };
    return withCore(config, async (app) => written(await app.get(ExportsService).loopsCsv(filter, null, COMMAND_LINE), values.out, out));
  }
  throw new UsageError(what ? `Unknown export: ${what}` : 'export needs loop, release or loops');
}

export async function dbBackup(config: LooptraceConfig, args: string[], out: Output): Promise<number> {
  const { values } = parsed(() => parseArgs({ args, options: { to: { type: 'string' } } }));
  if (!values.to) throw new UsageError('db backup needs --to <file>');
  if (config.database.engine !== 'sqlite') {
    throw new UsageError('db backup backs up the SQLite file; on PostgreSQL use pg_dump (see docs/operations.md)');
  }
  const { pages } = await backupSqlite(config.database.path, values.to);
  out(`Backed up ${config.database.path} to ${values.to} (${pages} pages)\n`);
  return 0;
}

export async function dbCopy(args: string[], out: Output): Promise<number> {
  const { values } = parsed(() => parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } } }));
  if (!values.from || !values.to) throw new UsageError('db copy needs --from <sqlite file> and --to <postgres url>');
  return copyDatabase(values.from, values.to, out);
}

/** Runs one command line; resolves to the exit code. */
export function run(config: LooptraceConfig, argv: string[], out: Output): Promise<number> {
  const [command, sub, ...rest] = argv;
  if (command === 'token' && sub === 'create') return tokenCreate(config, rest, out);
  if (command === 'schema' && sub === 'print') return schemaPrint(config, out);
  if (command === 'stages' && sub === 'check') return stagesCheck(config, out);
  if (command === 'import') return importFiles(config, argv.slice(1), out);
  if (command === 'export') return exportText(config, argv.slice(1), out);
  if (command === 'demo') return demo(config, argv.slice(1), out);
  if (command === 'db' && sub === 'backup') return dbBackup(config, rest, out);
  if (command === 'db' && sub === 'copy') return dbCopy(rest, out);
  throw new UsageError(command ? `Unknown command: ${argv.join(' ')}` : 'No command given');
}
