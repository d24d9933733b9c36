import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN } from './support/config';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'main.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built service with the environment given, as an operator starts it, until it exits (or is stopped). */
function start(env: Record<string, string>): { child: ChildProcess; exited: Promise<Run>; output: () => string } {
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<Run>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited, output: () => stdout + stderr };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The service as a process: how it starts in production, stops, and refuses to start. */
describe('the service process', () => {
  let folder: string;

  beforeAll(() => {
    // `npm start` builds when needed; the tests run what it runs.
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-if-needed.js')], { cwd: ROOT, stdio: 'ignore' });
    folder = mkdtempSync(join(tmpdir(), 'looptrace-process-'));
  }, 300_000);

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('starts in production mode with JSON logs, serves, and stops cleanly on SIGTERM, saying so', async () => {
    const port = await freePort();
    const service = start({ NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(folder, 'prod.sqlite'), ADMIN_TOKEN });
    let ready = 0;
    for (let attempt = 0; attempt < 300 && ready !== 200; attempt++) {
      ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((response) => response.status, () => 0);
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready).toBe(200);
    const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: 'query Who { viewer { role } } ' }),
    });
    expect(((await answer.json()) as { data: unknown }).data).toEqual({ viewer: { role: 'ADMIN' } });
    service.child.kill('SIGTERM');
    const run = await service.exited;
    const lines = run.stdout.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as { level: number; msg: string; operation?: string });
    expect(entries.some((entry) => /^Migrated the database: \w+$/.test(entry.msg))).toBe(true);
    expect(entries.some((entry) => entry.msg === `Started: GraphQL on http://127.0.0.1:${port}/graphql`)).toBe(true);
    expect(entries.some((entry) => entry.operation === 'Who')).toBe(true);
    expect(entries.at(-2)?.msg).toBe('Shutting down on SIGTERM: finishing the requests, import batch and webhook round in flight');
    expect(entries.at(-1)?.msg).toBe('Stopped');
    expect(run.stderr).toBe('');
  });

  const refuses = async (env: Record<string, string>) => {
    const started = Date.now();
    const run = await start({ PORT: String(await freePort()), HOST: '127.0.0.1', DATABASE_PATH: join(folder, 'any.sqlite'), ...env }).exited;
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.stdout).not.toMatch(/Started/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    return run.stderr.trim();
  };

  it('stops at once, naming DATABASE_PATH, when the file cannot be made', async () => {
    expect(await refuses({ DATABASE_PATH: '/proc/nope/x.sqlite' })).toMatch(/^Looptrace cannot start: .*DATABASE_PATH \/proc\/nope\/x\.sqlite: cannot create the folder \/proc\/nope/);
    expect(await refuses({ DATABASE_PATH: '/etc/hostname/x.sqlite' })).toMatch(/DATABASE_PATH .*\/etc\/hostname is not a folder/);
  });

  it('names DATABASE_URL, without its password or a stack, when PostgreSQL cannot be reached', async () => {
    const line = await refuses({ DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/looptrace' });
    expect(line).toMatch(/^Looptrace cannot start: DATABASE_URL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/looptrace cannot be reached/);
    expect(line).not.toContain('hunter2');
  });

  it('names PORT when the port is taken, before it says it started', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as { port: number }).port;
      expect(await refuses({ PORT: String(port) })).toMatch(new RegExp(`^Looptrace cannot start: PORT ${port} is already in use`));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('names a bad DATABASE_SSL even without DATABASE_URL', async () => {
    expect(await refuses({ DATABASE_SSL: 'sometimes' })).toBe('Looptrace cannot start: Invalid configuration: DATABASE_SSL must be disable, require or verify-full, got "sometimes"');
  });
});
