#!/usr/bin/env node
// Measures the service as its users meet it, side by side with `{ __typename }`
// on the same server, and prints Markdown for docs/benchmarks.md. Starts the
// built service (dist/) in a process of its own on a fresh database, fills it
// through the API, then times requests from this process over HTTP.
//
//   npm run bench:bounded-reads [-- --engine sqlite|postgres] [--requests 200] [--rounds 5] [--loops 5000]
//
// Every figure is the median of several rounds. Nothing here asserts a time.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { cpus, totalmem, tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { ADMIN_TOKEN, PG_SERVER, serviceEnv, median, onServer, percentile, sleep } = require('./bench-support');

const { values: options } = parseArgs({
  options: {
    engine: { type: 'string', default: 'sqlite' },
    requests: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    loops: { type: 'string', default: '5000' },
    'import-rows': { type: 'string', default: '20000' },
  },
});
const REQUESTS = Number(options.requests);
const ROUNDS = Number(options.rounds);
const LOOPS = Number(options.loops);
const IMPORT_ROWS = Number(options['import-rows']);
const PORT = 3900 + Math.floor(Math.random() * 90);
const URL = `http://127.0.0.1:${PORT}`;

// ---------- the service under test ----------

async function createDatabase() {
  if (options.engine === 'sqlite') {
    const directory = mkdtempSync(join(tmpdir(), 'looptrace-bench-'));
    return { env: { DATABASE_PATH: join(directory, 'bench.sqlite') }, drop: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  const name = `looptrace_bench_${process.pid}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new globalThis.URL(PG_SERVER);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function startService(databaseEnv) {
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
    env: serviceEnv(PORT, databaseEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`the service stopped:\n${log}`);
    try {
      const answer = await gql(null, '{ __typename }');
      if (answer.data) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service did not start:\n${log}`);
}

// ---------- requests ----------


async function gql(token, query, variables) {
  const response = await fetch(`${URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function ok(token, query, variables) {
  const answer = await gql(token, query, variables);
  if (answer.errors) throw new Error(`${query.slice(0, 80)}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

/** Milliseconds each of `count` requests took, sent one after another. */
async function latencies(token, query, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const answer = await gql(token, query);
    times.push(performance.now() - start);
    if (answer.errors) throw new Error(`${query.slice(0, 80)}: ${JSON.stringify(answer.errors)}`);
  }
  return times;
}


// ---------- the data ----------

function requestsCsv(rows, prefix) {
  const projects = ['nova', 'neutron', 'cinder', 'keystone', 'glance', 'swift', 'heat', 'horizon', 'octavia', 'manila'];
  const lines = ['id,title,body,origin,projects,tags,votes'];
  for (let row = 1; row <= rows; row++) {
    lines.push(
      `${prefix}-${row},Request ${row}: make ${projects[row % 10]} scale to many more instances,"Operators of large clouds ask for it, row ${row}.",${row % 3 ? 'OPERATOR' : 'USER'},${projects[row % 10]};${projects[(row + 3) % 10]},scale;ops-${row % 7},${row % 5}`,
    );
  }
  return lines.join('\n');
}

async function upload(rows, prefix) {
  const form = new FormData();
  form.append('format', 'csv');
  form.append('files', new Blob([requestsCsv(rows, prefix)], { type: 'text/csv' }), `${prefix}.csv`);
  const response = await fetch(`${URL}/imports`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: form });
  if (response.status !== 202) throw new Error(`upload refused: ${response.status} ${await response.text()}`);
  return (await response.json()).job.id;
}

async function waitForJob(id) {
  for (;;) {
    const { importJob } = await ok(ADMIN_TOKEN, `query($id: ID!) { importJob(id: $id) { status error recordsDone } }`, { id });
    if (importJob.status === 'SUCCEEDED') return;
    if (importJob.status === 'FAILED') throw new Error(`import failed: ${importJob.error}`);
    await sleep(200);
  }
}

async function seed() {
  const pm = await tokenFor('PRODUCT_MANAGER', 'pm@bench.example');
  const lead = await tokenFor('TECH_LEAD', 'lead@bench.example');
  await waitForJob(await upload(LOOPS, 'seed'));
  for (let theme = 1; theme <= 20; theme++) {
    await ok(pm, `mutation($t: String!) { createTheme(input: { title: $t, kind: THEME }) { theme { key } } }`, { t: `Theme ${theme}` });
    for (const project of ['nova', 'neutron']) {
      const name = `work-${theme}`;
      await ok(lead, `mutation($p: String!, $n: String!) { createBlueprint(input: { project: $p, name: $n, title: "Some work", targetRelease: "2026.1" }) { blueprint { key } } }`, { p: project, n: name });
      await ok(lead, `mutation($p: String!, $n: String!, $t: String!) { linkBlueprint(input: { project: $p, name: $n, themeKey: $t }) { blueprint { key } } }`, { p: project, n: name, t: `TH-${theme}` });
    }
  }
  for (let item = 1; item <= Math.min(LOOPS, 400); item++) {
    await ok(pm, `mutation($f: String!) { triageFeedback(input: { key: $f }) { feedback { key } } }`, { f: `FB-${item}` });
    await ok(pm, `mutation($f: String!, $t: String!) { linkFeedbackToTheme(input: { feedbackKey: $f, themeKey: $t }) { theme { key } } }`, { f: `FB-${item}`, t: `TH-${(item % 20) + 1}` });
  }
  return pm;
}

async function tokenFor(role, email) {
  await ok(ADMIN_TOKEN, `mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } } }`, { i: { name: role, email, role } });
  return (await ok(ADMIN_TOKEN, `mutation($i: IssueTokenInput!) { issueToken(input: $i) { token } }`, { i: { actorEmail: email, label: 'bench' } })).issueToken.token;
}

// ---------- the measures ----------

const CHEAP = '{ loop(key: "FB-7") { key stage waitingOn } }';

/** Queries at the edge of the default limits: each is allowed, and each is as heavy as one request may be. */
const HEAVY = {
  'a page of 100 traced loops': `{ loops(first: 100) { nodes { key stage waitingOn feedback { title body submitter { name } } themes { theme { key title } } blueprints { blueprint { key } outcomes { result release { name } } } stages { stage seconds } timeline { nodes { type occurredAt actor { name } } } markdown } } }`,
  '95 loopHealth reports': `{ ${Array.from({ length: 95 }, (_, i) => `h${i}: loopHealth { total funnel { stage count } timeInStage { stage medianSeconds p90Seconds } stalled requestToClosure { medianSeconds } }`).join(' ')} }`,
  '9 CSV exports of every loop': `{ ${Array.from({ length: 9 }, (_, i) => `c${i}: loopsCsv`).join(' ')} }`,
};

async function costOf(token, query) {
  const answer = await gql(token, query);
  return { cost: answer.extensions?.cost?.requested, refused: answer.errors?.[0]?.extensions?.code ?? null };
}

/** Runs `work` over and over until stopped; returns how many times it ran. */
function keepRunning(work) {
  let stop = false;
  let runs = 0;
  const done = (async () => {
    while (!stop) {
      await work();
      runs += 1;
    }
  })();
  return { stop: async () => ((stop = true), await done, runs) };
}

async function main() {
  const database = await createDatabase();
  const service = await startService(database.env);
  try {
    process.stderr.write(`Seeding ${LOOPS} loops on ${options.engine}…\n`);
    const pm = await seed();
    const rows = [];

    const typename = [];
    const cheapIdle = [];
    for (let round = 0; round < ROUNDS; round++) {
      typename.push(median(await latencies(pm, '{ __typename }', REQUESTS)));
      const cheap = await latencies(pm, CHEAP, REQUESTS);
      cheapIdle.push(cheap);
    }
    const base = median(typename);
    const describe = (name, samples) => {
      const p50 = median(samples.map((round) => percentile(round, 50)));
      const p99 = median(samples.map((round) => percentile(round, 99)));
      rows.push({ name, p50, p99, ratio: p50 / base });
    };
    describe('cheap read, idle', cheapIdle);

    process.stderr.write('Timing the heaviest allowed queries…\n');
    const heavy = [];
    for (const [name, query] of Object.entries(HEAVY)) {
      const { cost, refused } = await costOf(pm, query);
      if (refused) {
        heavy.push({ name, cost: null, ms: null, refused });
        continue;
      }
      const times = await latencies(pm, query, 3);
      heavy.push({ name, cost, ms: median(times), refused: null });
    }
    const heaviest = heavy.filter((entry) => entry.ms !== null).sort((a, b) => b.ms - a.ms)[0];

    process.stderr.write(`Cheap reads while "${heaviest.name}" runs…\n`);
    const underQuery = [];
    for (let round = 0; round < ROUNDS; round++) {
      const load = keepRunning(() => gql(pm, HEAVY[heaviest.name]));
      await sleep(50);
      underQuery.push(await latencies(pm, CHEAP, Math.ceil(REQUESTS / 4)));
      await load.stop();
    }
    describe(`cheap read, while the heaviest allowed query runs back to back`, underQuery);

    process.stderr.write(`Cheap reads while ${IMPORT_ROWS} rows are imported…\n`);
    const underImport = [];
    const underBoth = [];
    const importSeconds = [];
    const importRounds = Math.min(ROUNDS, 3);
    for (let round = 0; round < importRounds; round++) {
      const started = performance.now();
      const job = await upload(IMPORT_ROWS, `load-${round}`);
      const finished = waitForJob(job).then(() => importSeconds.push((performance.now() - started) / 1000));
      await sleep(200);
      underImport.push(await latencies(pm, CHEAP, Math.ceil(REQUESTS / 4)));
      const load = keepRunning(() => gql(pm, HEAVY[heaviest.name]));
      underBoth.push(await latencies(pm, CHEAP, Math.ceil(REQUESTS / 4)));
      await load.stop();
      await finished;
    }
    describe(`cheap read, while a ${IMPORT_ROWS}-row import runs`, underImport);
    describe(`cheap read, while the import and the heaviest query run`, underBoth);

    const date = new Date().toISOString().slice(0, 10);
    const cpu = cpus()[0]?.model ?? 'unknown CPU';
    console.log(`### Bounded reads (${options.engine}), ${date}\n`);
    console.log(`${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${LOOPS} loops; ${ROUNDS} rounds of ${REQUESTS} requests; medians of the rounds.\n`);
    console.log(`\`{ __typename }\`: ${base.toFixed(2)} ms per request (p50).\n`);
    console.log(`| measure | p50 ms | p99 ms | p50 / \`{ __typename }\` |`);
    console.log(`| --- | ---: | ---: | ---: |`);
    for (const row of rows) console.log(`| ${row.name} | ${row.p50.toFixed(1)} | ${row.p99.toFixed(1)} | ${row.ratio.toFixed(1)} |`);
    console.log(`\nThe heaviest allowed queries, each run alone (cost as the service computes it, median of 3 runs):\n`);
    console.log(`| query | cost | ms | × \`{ __typename }\` |`);
    console.log(`| --- | ---: | ---: | ---: |`);
    for (const entry of heavy) {
      console.log(entry.refused ? `| ${entry.name} | refused: ${entry.refused} | | |` : `| ${entry.name} | ${entry.cost} | ${entry.ms.toFixed(0)} | ${(entry.ms / base).toFixed(0)} |`);
    }
    console.log(`\nThe load under "heaviest" was ${heaviest.name}. Each of ${importRounds} imports of ${IMPORT_ROWS} new rows (one round each, so the database grew by ${IMPORT_ROWS} loops a round) took a median ${median(importSeconds).toFixed(1)} s with the reads and the heavy query beside it: ${Math.round(IMPORT_ROWS / median(importSeconds))} records/s.`);
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
