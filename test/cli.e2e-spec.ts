import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, Settings, USAGE, UsageError } from '../src/cli/commands';
import { main } from '../src/cli/main';
import { ConfigError, loadConfig, LooptraceConfig } from '../src/config/config';
import { LoopsService } from '../src/loops/loops.service';
import { createTestDatabase, TestDatabase } from './support/database';
import { testConfig } from './support/config';
import { startService } from './support/service';

const VERSION: string = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version;

/** Every command that does something, as typed after `npm run cli --`. */
const COMMANDS = ['token create', 'schema print', 'import', 'stages check', 'export loop', 'export release', 'export loops', 'db backup', 'db copy', 'demo'];

/** Escape sequences that would colour or move a terminal, and the framework logger's own prefix. */
const ESCAPE = /\x1b/;
const NEST_PREFIX = /\[Nest\]/;

/** The command line, against the same database file the service then serves. */
describe('command line', () => {
  let database: TestDatabase;
  let config: LooptraceConfig;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = testConfig(database.database);
    folder = mkdtempSync(join(tmpdir(), 'looptrace-cli-'));
  });

  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await database.drop();
  });

  const capture = async (argv: string[]) => {
    let text = '';
    const code = await run(config, argv, (chunk) => (text += chunk));
    return { code, text };
  };

  /** Runs a command line as `npm run cli` does, with standard output and standard error captured, standard error a terminal or not. */
  const cli = async (argv: string[], options: { settings?: Settings; terminal?: boolean } = {}) => {
    let stdout = '';
    let stderr = '';
    const status = await main(argv, options.settings ?? config, (text) => (stdout += text), {
      isTTY: options.terminal ?? false,
      write: (text: string) => (stderr += text),
    });
    return { status, stdout, stderr };
  };

  it('mints a first admin token on a fresh database, which the service then accepts', async () => {
    const { code, text } = await capture(['token', 'create', '--email', 'Admin@Example.org', '--role', 'admin', '--name', 'Ada Admin']);
    expect(code).toBe(0);
    const token = /^(lt_\S+)$/m.exec(text)?.[1];
    expect(token).toBeDefined();

    const service = await startService({ database: config.database, adminToken: null });
    try {
      expect(await service.ok<{ viewer: { name: string; email: string; role: string } }>(token!, `{ viewer { name email role } }`)).toEqual({ viewer: { name: 'Ada Admin', email: 'admin@example.org', role: 'ADMIN' } });
    } finally {
      await service.app.close();
    }
  });

  it('issues another token to an existing actor, and refuses a different role for them', async () => {
    expect((await capture(['token', 'create', '--email', 'admin@example.org', '--role', 'ADMIN', '--label', 'backup'])).code).toBe(0);
    await expect(capture(['token', 'create', '--email', 'admin@example.org', '--role', 'USER'])).rejects.toThrow(/exists with role ADMIN/);
  });

  it('explains its usage when the command is incomplete', async () => {
    await expect(capture(['token', 'create', '--email', 'x@example.org'])).rejects.toThrow(UsageError);
    await expect(capture(['frobnicate'])).rejects.toThrow(UsageError);
  });

  it('checks the stored stages against their facts', async () => {
    expect(await capture(['stages', 'check'])).toEqual({ code: 0, text: 'Every stored stage matches its facts.\nThe health tally and the listings match the loops.\n' });
  });

  it('prints its help and its version on standard output, without reading the settings', async () => {
    const unreadable = () => {
      throw new ConfigError('DATABASE_URL', 'must not be read for help');
    };
    for (const argv of [['--help'], ['-h'], ['help']]) {
      expect(await cli(argv, { settings: unreadable })).toEqual({ status: 0, stdout: USAGE, stderr: '' });
    }
    expect(USAGE).toMatch(/^Usage: npm run cli -- <command> \[options\]\n/);
    for (const command of COMMANDS) expect(USAGE).toContain(`\n  ${command}`);
    expect(USAGE).toContain('--role <role>');
    expect(USAGE).toContain('-V, --version');
    expect(USAGE.split('\n').every((line) => line.length <= 80)).toBe(true);

    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const argv of [['--version'], ['-V']]) {
      expect(await cli(argv, { settings: unreadable })).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  it('prints the help of each command, with --help or through help', async () => {
    const mentions: Record<string, string[]> = {
      'token create': ['--email <email>', '--role <role>', 'USER, OPERATOR, TECH_LEAD, PRODUCT_MANAGER, ADMIN', '--name', '--organization', '--label'],
      'schema print': ['schema.gql'],
      import: ['<format>', '<file-or-folder...>', 'pwg-tracker', 'pwg-proposal', 'forum-tags', 'csv', '--dry-run', '--as <email>'],
      'stages check': ['status 1'],
      'export loop': ['<FB-n>', '--format <markdown|json>', '--out <file>'],
      'export release': ['<name>', '--format <markdown|json>', '--out <file>'],
      'export loops': ['--stage', 'IN_DEVELOPMENT', '--origin', '--project', '--theme', '--release', '--format <csv>', '--out <file>'],
      'db backup': ['--to <file>', 'pg_dump'],
      'db copy': ['--from <sqlite file>', '--to <postgres url>'],
      demo: ['--folder <folder>'],
    };
    expect(Object.keys(mentions).sort()).toEqual([...COMMANDS].sort());
    for (const [command, words] of Object.entries(mentions)) {
      const asked = await cli([...command.split(' '), '--help'], { settings: () => loadConfig({ PORT: 'not a port' }) });
      expect(asked).toMatchObject({ status: 0, stderr: '' });
      expect(asked.stdout.startsWith(`Usage: npm run cli -- ${command}`)).toBe(true);
      for (const word of words) expect(asked.stdout.replace(/\s+/g, ' ')).toContain(word);
      expect(asked.stdout).toContain('-h, --help');
      expect(await cli(['help', ...command.split(' ')])).toEqual(asked);
    }
    const group = await cli(['db', '--help']);
    expect(group.stdout).toMatch(/backup \[options\]\s+Backs up the SQLite database/);
    expect(group.stdout).toMatch(/copy \[options\]\s+Copies a whole SQLite database/);
  });

  it('refuses an unknown command or option, or a missing one, with one line and status 2', async () => {
    expect(await cli(['frobnicate'])).toEqual({ status: 2, stdout: '', stderr: "error: unknown command 'frobnicate' (see npm run cli -- --help)\n" });
    expect(await cli(['stage', 'check'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "error: unknown command 'stage' (Did you mean stages?) (see npm run cli -- --help)\n",
    });
    expect(await cli(['help', 'db', 'restore'])).toEqual({ status: 2, stdout: '', stderr: "error: unknown command 'db restore' (see npm run cli -- --help)\n" });
    expect(await cli([])).toEqual({ status: 2, stdout: '', stderr: 'error: no command given (see npm run cli -- --help)\n' });
    expect(await cli(['db'])).toEqual({ status: 2, stdout: '', stderr: 'error: db needs one of its commands: backup, copy (see npm run cli -- db --help)\n' });
    expect(await cli(['db', 'copy', '--from', 'a.sqlite'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "error: required option '--to <postgres url>' not specified (see npm run cli -- db copy --help)\n",
    });
    expect(await cli(['stages', 'check', '--verbose'])).toEqual({
      status: 2,
      stdout: '',
      stderr: "error: unknown option '--verbose' (see npm run cli -- stages check --help)\n",
    });
    expect(await cli(['import', 'xml', 'requests.xml'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^error: .*'xml' is invalid .*forum-tags, csv, pwg-tracker, pwg-proposal\..*\n$/),
    });
  });

  it('holds a new token to the rules of the API: a bad role or email is refused naming the option, and nothing is written', async () => {
    const role = await cli(['token', 'create', '--email', 'grace@example.org', '--role', 'GOD']);
    expect(role).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'error: --role must be one of the following values: USER, OPERATOR, TECH_LEAD, PRODUCT_MANAGER, ADMIN (got "GOD") (see npm run cli -- token create --help)\n',
    });
    const email = await cli(['token', 'create', '--email', 'grace.example.org', '--role', 'USER']);
    expect(email).toEqual({
      status: 2,
      stdout: '',
      stderr: 'error: --email must be an email address (got "grace.example.org") (see npm run cli -- token create --help)\n',
    });
    const both = await cli(['token', 'create', '--email', 'grace@', '--role', 'root', '--name', 'Grace']);
    expect(both.stderr).toMatch(/^error: --email must be an email address \(got "grace@"\); --role must be one of .* \(got "root"\) /);

    // The actor's fields pass, the token's label does not: neither the actor nor the token is written.
    const label = await cli(['token', 'create', '--email', 'grace@example.org', '--role', 'USER', '--label', '']);
    expect(label).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^error: --label should not be empty/) });
    const later = await cli(['token', 'create', '--email', 'grace@example.org', '--role', 'TECH_LEAD']);
    expect(later).toMatchObject({ status: 0, stderr: '', stdout: expect.stringContaining('for grace@example.org (TECH_LEAD)') });
  });

  it('reports a failure as one plain line on standard error, with status 1', async () => {
    const conflict = await cli(['token', 'create', '--email', 'admin@example.org', '--role', 'USER']);
    expect(conflict).toEqual({ status: 1, stdout: '', stderr: 'error: admin@example.org exists with role ADMIN, not USER.\n' });

    // A name with a colour code and a line break, echoed by the error, is drawn as plain text on one line.
    const missing = await cli(['import', 'csv', join(folder, 'red\x1b[31m\nrequests.csv')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^error: ENOENT: no such file or directory, stat '.*red requests\.csv'\n$/);

    const invalid = await cli(['stages', 'check'], { settings: () => loadConfig({ PORT: '70000' }) });
    expect(invalid).toMatchObject({ status: 1, stdout: '', stderr: expect.stringMatching(/^error: .*PORT.*\n$/) });

    // The framework logs a failed start with its own prefix, colours and stack; the command says it once, plainly.
    const written = jest.spyOn(process.stdout, 'write');
    try {
      writeFileSync(join(folder, 'not-a-folder'), 'a file where the database folder should be');
      const unopenable = await cli(['stages', 'check'], { settings: { ...config, database: { engine: 'sqlite', path: join(folder, 'not-a-folder', 'x.sqlite') } } });
      expect(unopenable.status).toBe(1);
      expect(unopenable.stdout).toBe('');
      expect(unopenable.stderr).toMatch(/^error: \S/);
      expect(written).not.toHaveBeenCalled();

      for (const result of [conflict, missing, invalid, unopenable]) {
        expect(result.stderr).not.toMatch(ESCAPE);
        expect(result.stderr).not.toMatch(NEST_PREFIX);
        expect(result.stderr.split('\n')).toEqual([expect.any(String), '']);
      }
    } finally {
      written.mockRestore();
    }
  });

  it("keeps the framework's warnings off standard output, as plain lines on standard error", async () => {
    const check = jest.spyOn(LoopsService.prototype, 'findStageMismatches').mockImplementation(async () => {
      new Logger('Loops').warn('a \x1b[33mslow\x1b[39m read');
      return [];
    });
    const written = jest.spyOn(process.stdout, 'write');
    try {
      expect(await cli(['stages', 'check'])).toEqual({ status: 0, stdout: 'Every stored stage matches its facts.\nThe health tally and the listings match the loops.\n', stderr: 'warning: [Loops] a slow read\n' });
      expect(written).not.toHaveBeenCalled();
    } finally {
      written.mockRestore();
      check.mockRestore();
    }
  });

  it('exits with status 1 when the stored stages differ from their facts', async () => {
    const check = jest.spyOn(LoopsService.prototype, 'findStageMismatches').mockResolvedValue([{ key: 'FB-7', field: 'stage', stored: 'THEMED', derived: 'PLANNED' }]);
    try {
      expect(await cli(['stages', 'check'])).toEqual({ status: 1, stdout: 'FB-7 stage: stored THEMED, derived PLANNED\n1 loops differ from their facts\nThe health tally and the listings match the loops.\n', stderr: '' });
    } finally {
      check.mockRestore();
    }
  });

  it('writes an export into a folder that does not exist yet', async () => {
    const file = join(folder, 'reports', '2026', 'loops.csv');
    expect(existsSync(join(folder, 'reports'))).toBe(false);
    expect(await cli(['export', 'loops', '--out', file])).toEqual({ status: 0, stdout: `Wrote ${file}\n`, stderr: '' });
    expect(readFileSync(file, 'utf8')).toMatch(/^key,title,origin,stage,/);
  });

  it('draws the import progress bar on a terminal only, and keeps the report on standard output', async () => {
    const csv = join(folder, 'requests.csv');
    writeFileSync(csv, 'title,origin\nLive-migrate pinned instances,OPERATOR\nQuota usage drifts,USER\n');
    const piped = await cli(['import', 'csv', csv, '--dry-run']);
    expect(piped).toMatchObject({ status: 0, stderr: '' });
    expect(piped.stdout).toContain('csv');
    const terminal = await cli(['import', 'csv', csv, '--dry-run'], { terminal: true });
    expect(terminal.status).toBe(0);
    expect(terminal.stdout).toBe(piped.stdout);
    expect(terminal.stderr).toBe('\r[##############################] 2/2 records\n');
  });
});
