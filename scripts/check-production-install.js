#!/usr/bin/env node
// The production install of docs/operations.md, on a copy of this checkout's
// committed files: npm ci, npm run build, npm prune --omit=dev, then start
// `node dist/main.js` with NODE_ENV=production (what `npm run start:prod`
// runs, and what a process manager or the image should run, since npm does
// not pass SIGTERM on to the service), and check that it is ready, answers a
// query, and stops cleanly on SIGTERM. The Dockerfile runs the same steps.
// CI runs this.
const { execFileSync, spawn } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const TOKEN = 'production-check-token-0123';

function step(title, command, args, cwd) {
  process.stdout.write(`\n== ${title}: ${command} ${args.join(' ')}\n`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'looptrace-production-'));
  let child = null;
  try {
    // The committed files only, as a clone has them.
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: root }).toString().split('\0').filter(Boolean);
    const list = join(work, '.files');
    writeFileSync(list, files.join('\0'));
    const copy = join(work, 'looptrace');
    execFileSync('mkdir', ['-p', copy]);
    execFileSync('sh', ['-c', `tar -C "${root}" --null -T "${list}" -cf - | tar -C "${copy}" -xf -`]);

    step('install', 'npm', ['ci', '--no-audit', '--no-fund'], copy);
    step('build', 'npm', ['run', 'build'], copy);
    step('prune', 'npm', ['prune', '--omit=dev', '--no-audit', '--no-fund'], copy);
    if (existsSync(join(copy, 'node_modules', '@nestjs', 'cli'))) throw new Error('npm prune left the build tools in place');

    const port = await freePort();
    process.stdout.write(`\n== start: NODE_ENV=production node dist/main.js (port ${port})\n`);
    let output = '';
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: copy,
      env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATABASE_PATH: join(work, 'data', 'looptrace.sqlite'), ADMIN_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));

    const base = `http://127.0.0.1:${port}`;
    let ready = null;
    for (let attempt = 0; attempt < 200 && !ready; attempt++) {
      ready = await fetch(`${base}/health/ready`).then((response) => (response.ok ? response.json() : null), () => null);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!ready) throw new Error(`the service did not become ready:\n${output}`);
    process.stdout.write(`ready: ${JSON.stringify(ready)}\n`);
    const answer = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    }).then((response) => response.json());
    if (answer.data?.viewer?.role !== 'ADMIN') throw new Error(`the query did not answer as expected: ${JSON.stringify(answer)}`);
    process.stdout.write(`query: ${JSON.stringify(answer.data)}\n`);

    child.kill('SIGTERM');
    await exited;
    child = null;
    const lines = output.trim().split('\n');
    if (!lines.every((line) => line.startsWith('{'))) throw new Error(`production logs are not all JSON lines:\n${output}`);
    if (!/"msg":"Stopped"/.test(lines.at(-1))) throw new Error(`the service did not stop cleanly:\n${output}`);
    process.stdout.write('\nThe production install works: built, pruned, started, ready, answered, stopped.\n');
  } finally {
    if (child) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
