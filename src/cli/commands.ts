import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { Argument, Command, CommanderError, Help, InvalidArgumentError, Option } from 'commander';
import { printSchema } from 'graphql';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { CreateActorInput, IssueTokenInput } from '../actors/dto/actor.inputs';
import { COMMAND_LINE } from '../actors/personal-data';
import { Role } from '../actors/role';
import { AppModule } from '../app.module';
import { BadUserInputError, FieldProblem } from '../common/errors';
import { validateInput } from '../common/validation.pipe';
import { LooptraceConfig } from '../config/config';
import { CoreModule } from '../core.module';
import { LoopStage } from '../feedback/feedback.enums';
import { ALL_IMPORTERS } from '../importers/formats';
import { ImportService } from '../importers/import.service';
import { ImportFile } from '../importers/importer';
import { reportText } from '../importers/report-text';
import { ExportFormat } from '../loops/dto/export.inputs';
import { LoopFilter } from '../loops/dto/loop.inputs';
import { ExportsService } from '../loops/exports/exports.service';
import { HealthTallyService } from '../loops/health/health-tally.service';
import { LoopsService } from '../loops/loops.service';
import { backupSqlite } from './backup';
import { copyDatabase } from './db-copy';
import { generateDataset, GenerateOptions } from './dataset/generate';
import { loadDemo } from './demo';
import { Stderr, UsageError } from './errors';
import { CommandLineLogger } from './logger';
import { terminalProgress } from './progress';

export { UsageError } from './errors';

export type Output = (text: string) => void;

/**
 * The settings, or how to read them. A command reads them when it needs
 * them, so that help and the version answer whatever the environment holds,
 * and `db copy`, which names both its databases, needs none.
 */
export type Settings = LooptraceConfig | (() => LooptraceConfig);

/** What a chosen command works with. */
interface CommandIo {
  config(): LooptraceConfig;
  out: Output;
  stderr: Stderr;
}

/** A command with its arguments read, waiting to run. */
export type Task = (io: CommandIo) => Promise<number>;

/** The version of Looptrace, from the package.json beside the sources and beside the build alike. */
const VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

/** The demo data shipped with the project, next to the build and the sources alike. */
const DEMO_FOLDER = join(__dirname, '..', '..', 'demo');

/** Help is laid out for 80 columns whatever the terminal, so that it reads the same in a pipe, a file and the docs. */
const HELP_WIDTH = 80;

const ROLES = Object.values(Role);
const IMPORT_FORMATS = ALL_IMPORTERS.map((importer) => importer.format);
const DOCUMENT_FORMATS: Record<string, ExportFormat> = { markdown: ExportFormat.MARKDOWN, json: ExportFormat.JSON };

/** The domain without the service's background work: the running service delivers webhooks and watches stalls. */
type CoreApp = { get: <S>(type: new (...args: never[]) => S) => S };

/**
 * The framework stops the process at once when a module fails to start
 * unless told otherwise; a command instead reports the failure as its error
 * line and exits with status 1.
 */
const frameworkOptions = (stderr: Stderr) => ({ logger: new CommandLineLogger(stderr), abortOnError: false });

async function withCore<T>(config: LooptraceConfig, stderr: Stderr, work: (app: CoreApp) => Promise<T>): Promise<T> {
  const quiet = { ...config, webhooks: { ...config.webhooks, pollMs: 0 }, stalls: { ...config.stalls, sweepMs: 0 } };
  const app = await NestFactory.createApplicationContext(CoreModule.forRoot(quiet), frameworkOptions(stderr));
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/**
 * Holds a command's options to the rules of one of the API's input types,
 * so that the command line takes exactly what the API takes. `input` is
 * what the options make of the fields; a refusal names each option and what
 * it was given (`given`, the options as typed). `optionOf` names the option
 * of a field whose option is not called after it.
 */
async function asInput<T extends object>(type: new () => T, input: object, given: object, optionOf: Record<string, string> = {}): Promise<T> {
  try {
    return await validateInput(type, input);
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    throw new UsageError(
      error.problems
        .map((problem) => {
          const option = optionOf[problem.field] ?? problem.field;
          return refusal(problem, option, (given as Record<string, unknown>)[option]);
        })
        .join('; '),
    );
  }
}

/** `--role must be one of the following values: USER, … (got "GOD")`: the rule's message, said of the option. */
function refusal({ field, message }: FieldProblem, option: string, value: unknown): string {
  const reason = message.startsWith(`${field} `) ? message.slice(field.length + 1) : message;
  return `--${option} ${reason}${typeof value === 'string' ? ` (got ${JSON.stringify(value)})` : ''}`;
}

export interface TokenCreateOptions {
  email: string;
  role: string;
  name?: string;
  organization?: string;
  label: string;
}

export async function tokenCreate(config: LooptraceConfig, options: TokenCreateOptions, out: Output, stderr: Stderr): Promise<number> {
  const actorInput = await asInput(
    CreateActorInput,
    {
      email: options.email,
      role: options.role.toUpperCase(),
      name: options.name ?? (options.email.split('@')[0] || options.email),
      organization: options.organization ?? null,
    },
    options,
  );
  const { label } = await asInput(IssueTokenInput, { actorEmail: options.email, label: options.label }, options, { actorEmail: 'email' });
  return withCore(config, stderr, async (app) => {
    const actors = app.get(ActorsService);
    const actor = await actors.findOrCreate(actorInput);
    const { token, apiToken } = await actors.issueToken(null, actor.email, label);
    out(`Token ${apiToken.id} for ${actor.email} (${actor.role}); the secret is shown only now:\n${token}\n`);
    return 0;
  });
}

export async function schemaPrint(config: LooptraceConfig, out: Output, stderr: Stderr): Promise<number> {
  const app = await NestFactory.create(
    AppModule.forRoot({ ...config, database: { engine: 'sqlite', path: ':memory:' }, adminToken: null }),
    frameworkOptions(stderr),
  );
  try {
    await app.init();
    out(printSchema(app.get(GraphQLSchemaHost).schema) + '\n');
    return 0;
  } finally {
    await app.close();
  }
}

export function stagesCheck(config: LooptraceConfig, out: Output, stderr: Stderr): Promise<number> {
  return withCore(config, stderr, async (app) => {
    const mismatches = await app.get(LoopsService).findStageMismatches();
    mismatches.forEach((m) => out(`${m.key} ${m.field}: stored ${m.stored}, derived ${m.derived}\n`));
    const loops = new Set(mismatches.map((m) => m.key)).size;
    out(mismatches.length ? `${loops} loops differ from their facts\n` : 'Every stored stage matches its facts.\n');
    const tally = await app.get(HealthTallyService).findMismatches();
    tally.forEach((m) => out(`health tally, ${m.what}: stored ${m.stored}, derived ${m.derived}\n`));
    out(tally.length ? `${tally.length} figures of the health tally and listings differ from the loops\n` : 'The health tally and the listings match the loops.\n');
    return mismatches.length || tally.length ? 1 : 0;
  });
}

export async function datasetGenerate(config: LooptraceConfig, options: GenerateOptions, out: Output, stderr: Stderr): Promise<number> {
  const report = await generateDataset(config, options, (line) => stderr.write(`${line}\n`));
  out(`${options.loops} loops: ${report.operations} operations written as ${report.rows} rows in ${report.seconds.toFixed(1)} s into ${options.to}\n`);
  return 0;
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

export interface ImportOptions {
  dryRun?: boolean;
  as?: string;
}

export async function importFiles(config: LooptraceConfig, format: string, paths: string[], options: ImportOptions, out: Output, stderr: Stderr): Promise<number> {
  return withCore(config, stderr, async (app) => {
    const imports = app.get(ImportService);
    const importer = imports.importerOf(format);
    const progress = terminalProgress(stderr);
    const report = await imports.run(await importingActor(app, options.as), format, filesOf(paths, (name) => importer.accepts(name)), {
      dryRun: options.dryRun,
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

export async function demo(config: LooptraceConfig, options: { folder?: string }, out: Output, stderr: Stderr): Promise<number> {
  return withCore(config, stderr, async (app) => {
    const imports = app.get(ImportService);
    const by = await importingActor(app, undefined);
    const result = await loadDemo(app, options.folder ?? DEMO_FOLDER, async (format, path) =>
      reportText(await imports.run(by, format, filesOf([path], (name) => imports.importerOf(format).accepts(name)))),
    );
    out(result.reports.join('\n'));
    out(`\nThe demo product manager (${result.email}) triaged and linked ${result.curated} requests.\n`);
    out(`Start the service with \`npm start\`, open http://localhost:${config.port}/ide and paste this token (shown once):\n${result.token}\n`);
    return 0;
  });
}

/** Prints the text, or writes it into the file, creating the file's folder if it is missing. */
function written(text: string, file: string | undefined, out: Output): number {
  if (file === undefined) out(text);
  else {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    out(`Wrote ${file}\n`);
  }
  return 0;
}

export interface DocumentOptions {
  format: ExportFormat;
  out?: string;
}

export function exportLoop(config: LooptraceConfig, key: string, options: DocumentOptions, out: Output, stderr: Stderr): Promise<number> {
  return withCore(config, stderr, async (app) => written(await app.get(ExportsService).loop(key, options.format, COMMAND_LINE), options.out, out));
}

export function exportRelease(config: LooptraceConfig, name: string, options: DocumentOptions, out: Output, stderr: Stderr): Promise<number> {
  return withCore(config, stderr, async (app) => written(await app.get(ExportsService).release(name, options.format), options.out, out));
}

export interface LoopsExportOptions {
  stage?: string;
  origin?: string;
  project?: string;
  theme?: string;
  release?: string;
  out?: string;
}

export async function exportLoops(config: LooptraceConfig, options: LoopsExportOptions, out: Output, stderr: Stderr): Promise<number> {
  const filter = await asInput(
    LoopFilter,
    {
      stage: options.stage?.toUpperCase(),
      origin: options.origin?.toUpperCase(),
      project: options.project,
      themeKey: options.theme,
      release: options.release,
    },
    options,
    { themeKey: 'theme' },
  );
  return withCore(config, stderr, async (app) => written(await app.get(ExportsService).loopsCsv(filter, null, COMMAND_LINE), options.out, out));
}

export async function dbBackup(config: LooptraceConfig, options: { to: string }, out: Output): Promise<number> {
  if (config.database.engine !== 'sqlite') {
    throw new UsageError('db backup backs up the SQLite file; on PostgreSQL use pg_dump (see docs/operations.md)');
  }
  mkdirSync(dirname(options.to), { recursive: true });
  const { pages } = await backupSqlite(config.database.path, options.to);
  out(`Backed up ${config.database.path} to ${options.to} (${pages} pages)\n`);
  return 0;
}

export function dbCopy(options: { from: string; to: string }, out: Output): Promise<number> {
  return copyDatabase(options.from, options.to, out);
}

/** An option value that must be one of a few words, in any case; `refusal` says what to give instead. */
function oneOf<T>(values: Record<string, T>, refusal: string): (value: string) => T {
  return (value) => {
    const found = values[value.toLowerCase()];
    if (found === undefined) throw new InvalidArgumentError(refusal);
    return found;
  };
}

/** A whole number above zero, such as --loops 100000 (thousands may be written 100_000). */
function positiveInteger(option: string): (value: string) => number {
  return (value) => {
    const number = Number(value.replace(/_/g, ''));
    if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError(`${option} takes a whole number above zero.`);
    return number;
  };
}

const documentFormat = () =>
  new Option('--format <markdown|json>', 'Markdown for people to read, or JSON for programs')
    .default(ExportFormat.MARKDOWN, 'markdown')
    .argParser(oneOf(DOCUMENT_FORMATS, 'Use --format markdown or json.'));

const outFile = () => new Option('--out <file>', 'write the export into this file, creating its folder if need be, rather than print it');

/** A command that only groups others, such as `db`. */
function group(parent: Command, name: string, summary: string): Command {
  return parent.command(name).summary(summary).description(summary).helpCommand(false);
}

/**
 * Every command: its arguments, options and help. Parsing a command line
 * chooses one command and reads its arguments, and hands it to `choose` as
 * a task; it runs nothing by itself.
 */
export function commandLine(choose: (command: Command, task: Task) => void): Command {
  const program = new Command('npm run cli --')
    .usage('<command> [options]')
    .description('The command line of Looptrace: tokens, imports, exports, checks and backups.')
    .configureHelp({ helpWidth: HELP_WIDTH })
    .helpOption('-h, --help', 'print the help of the command')
    .version(VERSION, '-V, --version', 'print the version of Looptrace');

  group(program, 'token', 'API tokens.')
    .command('create')
    .summary('Creates the actor if it is new, issues a token and prints the secret once.')
    .description(
      'Creates the actor if it is new, issues an API token for it and prints the secret, once: only its hash is stored. ' +
        'It refuses if an actor with that email exists with another role. It works while the service runs.',
    )
    .requiredOption('--email <email>', "the actor's email")
    .requiredOption('--role <role>', `the actor's role, in any case: ${ROLES.join(', ')}`)
    .option('--name <name>', "a new actor's name (default: the part of the email before the @)")
    .option('--organization <org>', "a new actor's organization")
    .option('--label <label>', 'what the token is for', 'command line')
    .action((options: TokenCreateOptions, command: Command) => choose(command, (io) => tokenCreate(io.config(), options, io.out, io.stderr)));

  group(program, 'schema', 'The GraphQL schema.')
    .command('print')
    .summary('Prints the GraphQL schema (SDL) that the code generates, as in schema.gql.')
    .action((_options: object, command: Command) => choose(command, (io) => schemaPrint(io.config(), io.out, io.stderr)));

  program
    .command('import')
    .summary(`Imports records (${IMPORT_FORMATS.join(', ')}); running it twice changes nothing.`)
    .description(
      'Imports PWG trackers (pwg-tracker), proposals (pwg-proposal), forum hashtag exports (forum-tags) or a CSV of requests (csv). ' +
        'It commits in batches of 100 records, draws a progress bar on standard error when that is a terminal, and prints a report. ' +
        'Running it twice changes nothing. See docs/importing.md.',
    )
    .addArgument(new Argument('<format>', 'what the files hold').choices(IMPORT_FORMATS))
    .argument('<file-or-folder...>', 'files, or folders read for the files of the format at any depth')
    .option('--dry-run', 'report what the import would do, and write nothing')
    .option('--as <email>', 'the existing actor the import is recorded as (default: importer@looptrace.invalid, created as a product manager)')
    .action((format: string, paths: string[], options: ImportOptions, command: Command) =>
      choose(command, (io) => importFiles(io.config(), format, paths, options, io.out, io.stderr)),
    );

  group(program, 'stages', 'The stored stages of the loops.')
    .command('check')
    .summary('Recomputes every loop from its facts and reports any that differ from what is stored.')
    .description(
      "Recomputes every loop from scratch (its stage, current stay, the release that completed it, the blueprints that answer it) and compares the result with what is stored. " +
        'It prints each difference and exits with status 1 if there are any.',
    )
    .action((_options: object, command: Command) => choose(command, (io) => stagesCheck(io.config(), io.out, io.stderr)));

  const exports = group(program, 'export', 'Exports of a loop, a release or the loops.');
  exports
    .command('loop')
    .summary("Prints a loop's trace: where it stands, what it waits on, and how it got there.")
    .description(
      "Prints a loop's trace: the request, its stage and what it waits on, its themes, the blueprints per project with their outcomes, " +
        'the time in each stage and the timeline.',
    )
    .argument('<FB-n>', 'the feedback key of the loop')
    .addOption(documentFormat())
    .addOption(outFile())
    .action((key: string, options: DocumentOptions, command: Command) => choose(command, (io) => exportLoop(io.config(), key, options, io.out, io.stderr)));
  exports
    .command('release')
    .summary('Prints what a release did for the loops, per theme: those it closed and those it moved.')
    .argument('<name>', 'the release, such as Pike')
    .addOption(documentFormat())
    .addOption(outFile())
    .action((name: string, options: DocumentOptions, command: Command) => choose(command, (io) => exportRelease(io.config(), name, options, io.out, io.stderr)));
  exports
    .command('loops')
    .summary('Prints the loops the filter selects as CSV, with their stage and time in stage.')
    .description('Prints the loops the filter selects, all of them without one, as CSV with their stage and time in stage. Every given condition must hold.')
    .option('--stage <stage>', `loops in this stage: ${Object.values(LoopStage).join(', ')}`)
    .option('--origin <USER|OPERATOR>', 'loops started by a user or by an operator')
    .option('--project <project>', 'loops that name this project, or that a blueprint of this project answers')
    .option('--theme <TH-n>', 'loops linked to this theme or to one of its sub-themes')
    .option('--release <name>', 'loops this release touches: a blueprint answering them targets it or has an outcome in it, or it completed them')
    .addOption(new Option('--format <csv>', 'CSV, the only format of this export').default('csv').argParser(oneOf({ csv: 'csv' }, 'export loops writes CSV only (--format csv).')))
    .addOption(outFile())
    .action((options: LoopsExportOptions, command: Command) => choose(command, (io) => exportLoops(io.config(), options, io.out, io.stderr)));

  group(program, 'dataset', 'Generated datasets, to measure the service at scale.')
    .command('generate')
    .summary('Writes a generated history of many loops into a new SQLite file, for benchmarks.')
    .description(
      'Writes three years of a generated working group (people, themes, blueprints over 40 projects, requests with votes, triage, links, ' +
        'releases delivering blueprints, closures and confirmations) into a new SQLite file, rows as the services store them, ' +
        'then checks its foreign keys and counts the health tally. The admin of ADMIN_TOKEN creates its people; the secrets of their ' +
        'tokens go to --tokens. For benchmarks: never load a generated dataset into a service people use.',
    )
    .requiredOption('--loops <n>', 'how many requests', positiveInteger('--loops'))
    .requiredOption('--to <file>', 'the new SQLite file')
    .option('--seed <n>', 'the same seed gives the same dataset', positiveInteger('--seed'), 1)
    .option('--tokens <file>', "where to write the people's token secrets, as JSON by email")
    .action((options: GenerateOptions, command: Command) => choose(command, (io) => datasetGenerate(io.config(), options, io.out, io.stderr)));

  const db = group(program, 'db', 'Backups and moves of the database.');
  db.command('backup')
    .summary('Backs up the SQLite database into a new file, safely while the service runs.')
    .description(
      "Backs up the SQLite database (DATABASE_PATH) into a new file with SQLite's online backup, safely while the service runs, and checks the copy. " +
        'On PostgreSQL use pg_dump (see docs/operations.md).',
    )
    .requiredOption('--to <file>', 'the new file, its folder created if need be')
    .action((options: { to: string }, command: Command) => choose(command, (io) => dbBackup(io.config(), options, io.out)));
  db.command('copy')
    .summary('Copies a whole SQLite database into a new PostgreSQL database and verifies every table.')
    .description(
      'Copies a whole SQLite database, ids and all, into a new PostgreSQL database, and verifies the row count and a checksum of every table before it commits. ' +
        'See docs/operations.md.',
    )
    .requiredOption('--from <sqlite file>', 'the SQLite database file')
    .requiredOption('--to <postgres url>', 'the PostgreSQL database, as a postgres:// URL')
    .action((options: { from: string; to: string }, command: Command) => choose(command, (io) => dbCopy(options, io.out)));

  program
    .command('demo')
    .summary("Loads the demo data and prints a product manager's token.")
    .description(
      "Loads the demo data (the working group's records in demo/, and a few triage decisions and links) into the configured database " +
        "and prints a product manager's token.",
    )
    .option('--folder <folder>', 'where the demo data is (default: the demo/ folder of the project)')
    .action((options: { folder?: string }, command: Command) => choose(command, (io) => demo(io.config(), options, io.out, io.stderr)));

  program
    .command('help')
    .summary('Prints this help, or the help of one command.')
    .argument('[command...]', 'the command, such as db copy')
    .action((names: string[], _options: object, command: Command) => {
      const described = commandAt(program, names);
      choose(command, async () => {
        described.outputHelp();
        return 0;
      });
    });

  for (const command of leaves(program)) {
    command.usage(usageOf(command, false).join(' '));
    if (!command.description()) command.description(command.summary());
  }
  // The other commands copied the help settings when they were made, so this one gives the program alone its overview.
  program.configureHelp({ helpWidth: HELP_WIDTH, formatHelp: () => overview(program) });
  return program;
}

function commandAt(program: Command, names: string[]): Command {
  let command = program;
  for (const name of names) {
    const found = command.commands.find((candidate) => candidate.name() === name);
    if (!found) throw new UsageError(`unknown command '${names.join(' ')}'`, '');
    command = found;
  }
  return command;
}

/** The commands that do something, in the order they were defined. */
function leaves(command: Command): Command[] {
  return command.commands.flatMap((child) => (child.commands.length ? leaves(child) : [child]));
}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

/** `token create`: the words that name a command after the program's. */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** A command's arguments and options, each optional one in brackets; in full, or with `[options]` standing for the optional options. */
function usageOf(command: Command, full: boolean): string[] {
  const args = command.registeredArguments.map((argument) => {
    const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
    return argument.required ? `<${name}>` : `[${name}]`;
  });
  const required = command.options.filter((option) => option.mandatory).map((option) => option.flags);
  const optional = command.options.filter((option) => !option.mandatory);
  const rest = full ? optional.map((option) => `[${option.flags}]`) : optional.length ? ['[options]'] : [];
  return [...args, ...required, ...rest];
}

/** Words laid out in lines of at most HELP_WIDTH columns, the first line indented by `first` spaces and the others by `rest`. */
function layout(words: string[], first: number, rest: number): string {
  const lines = [' '.repeat(first)];
  for (const word of words) {
    const line = lines[lines.length - 1];
    const empty = line.trim() === '';
    if (!empty && line.length + 1 + word.length > HELP_WIDTH) lines.push(`${' '.repeat(rest)}${word}`);
    else lines[lines.length - 1] = empty ? `${line}${word}` : `${line} ${word}`;
  }
  return lines.join('\n');
}

/** The help of the program: every command with its arguments and options, and what it does. */
function overview(program: Command): string {
  const help = Object.assign(new Help(), { helpWidth: HELP_WIDTH });
  const commands = leaves(program).map(
    (command) => `${layout([pathOf(command), ...usageOf(command, true)], 2, 6)}\n${layout(command.summary().split(' '), 6, 6)}`,
  );
  const options = help.visibleOptions(program);
  const width = Math.max(...options.map((option) => option.flags.length));
  return [
    `Usage: ${program.name()} ${program.usage()}`,
    '',
    layout(`${program.description()} Every command reads the settings of the service: DATABASE_PATH, or DATABASE_URL for PostgreSQL.`.split(' '), 0, 0),
    '',
    'Commands:',
    ...commands,
    '',
    'Options:',
    ...options.map((option) => help.formatItem(option.flags, width, option.description, help)),
    '',
    layout(`Run ${program.name()} <command> --help for the arguments and options of one command.`.split(' '), 0, 0),
    '',
  ].join('\n');
}

export const USAGE = commandLine(() => undefined).helpInformation();

/** Asked for help or the version: commander printed it and stops parsing with this. */
const PRINTED = new Set(['commander.helpDisplayed', 'commander.version']);

/** A mistake the command line parser found, as a usage error naming the command it was given to; help and the version pass through. */
function misuse(error: CommanderError, command: Command): Error {
  if (PRINTED.has(error.code)) return error;
  const path = pathOf(command);
  if (error.code === 'commander.help') {
    const names = command.commands.map((child) => child.name()).join(', ');
    return new UsageError(path ? `${path} needs one of its commands: ${names}` : 'no command given', path);
  }
  return new UsageError(error.message.replace(/^error: /, ''), path);
}

/**
 * Runs one command line and resolves to its exit status. Help and the
 * version go to `out`; a mistake in the command line rejects with a
 * UsageError, any other failure with its own error.
 */
export async function run(settings: Settings, argv: string[], out: Output, stderr: Stderr = process.stderr): Promise<number> {
  const chosen: { command?: Command; task?: Task } = {};
  const program = commandLine((command, task) => Object.assign(chosen, { command, task }));
  for (const command of everyCommand(program)) {
    command.configureOutput({ writeOut: out, writeErr: () => undefined, outputError: () => undefined }).exitOverride((error) => {
      throw misuse(error, command);
    });
  }
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && PRINTED.has(error.code)) return 0;
    throw error;
  }
  if (!chosen.command || !chosen.task) throw new UsageError('no command given', '');
  const config = () => (typeof settings === 'function' ? settings() : settings);
  try {
    return await chosen.task({ config, out, stderr });
  } catch (error) {
    if (error instanceof UsageError && error.command === undefined) throw new UsageError(error.message, pathOf(chosen.command));
    throw error;
  }
}
