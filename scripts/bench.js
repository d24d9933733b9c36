#!/usr/bin/env node
// Measures the service on generated datasets of many loops, every figure set
// beside `{ __typename }` on the same server in the same run (A/B: a block of
// `{ __typename }`, then a block of the measure, round after round), and
// prints Markdown for docs/benchmarks.md (with --write, it puts it there).
//
//   npm run bench [-- --loops 10000,100000,1000000] [--engine sqlite|postgres]
//                 [--rounds 3] [--requests 40] [--datasets <folder>] [--write]
//                 [--only <pattern>]   (the measures whose names match; the writes need the submissions)
//
// Each dataset is made once by `dataset generate` (the same size and seed give
// the same rows) and kept in --datasets (a folder under the system's temporary
// one by default); each run works on a copy. On PostgreSQL the copy is moved
// into a fresh database with `db copy`. Nothing here asserts a time.
const { execFileSync, spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { cpus, totalmem, tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { ADMIN_TOKEN, PG_SERVER, serviceEnv, median, onServer, percentile, sleep } = require('./bench-support');
const Database = require('better-sqlite3');

const { values: options } = parseArgs({
  options: {
    loops: { type: 'string', default: '10000,100000,1000000' },
    engine: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '3' },
    requests: { type: 'string', default: '40' },
    datasets: { type: 'string', default: join(tmpdir(), 'looptrace-bench-datasets') },
    write: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const ROUNDS = Math.max(3, Number(options.rounds));
const REQUESTS = Number(options.requests);
const ROOT = join(__dirname, '..');
const only = options.only ? new RegExp(options.only, 'i') : null;
const log = (line) => process.stderr.write(`${line}\n`);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);

// ---------- datasets ----------

/** The generator's own code and the schema: a dataset made by other code is made again. */
function generatorVersion() {
  const hash = createHash('sha256');
  for (const folder of ['dist/cli/dataset', 'dist/database/migrations']) {
    for (const name of readdirSync(join(ROOT, folder)).sort()) if (name.endsWith('.js')) hash.update(readFileSync(join(ROOT, folder, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

function dataset(loops) {
  mkdirSync(options.datasets, { recursive: true });
  const file = join(options.datasets, `loops-${loops}-seed-1-${generatorVersion()}.sqlite`);
  const tokens = `${file}.tokens.json`;
  if (!existsSync(file) || !existsSync(tokens)) {
    rmSync(file, { force: true });
    log(`Generating ${loops} loops…`);
    const started = Date.now();
    // Made under a name of this run's own, and given its name once whole: a bench started meanwhile does not take a half-made file for a broken one.
    const partial = `${file}.${process.pid}.partial`;
    execFileSync(process.execPath, ['--max-old-space-size=12000', join(ROOT, 'dist/cli/main.js'), 'dataset', 'generate', '--loops', String(loops), '--to', partial, '--tokens', `${partial}.tokens.json`], {
      env: { ...process.env, ADMIN_TOKEN },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    writeFileSync(`${file}.seconds`, String((Date.now() - started) / 1000));
    renameSync(partial, file);
    renameSync(`${partial}.tokens.json`, tokens);
  }
  const seconds = existsSync(`${file}.seconds`) ? Number(readFileSync(`${file}.seconds`, 'utf8')) : null;
  return { file, tokens: JSON.parse(readFileSync(tokens, 'utf8')), generatedInSeconds: seconds };
}

/** A working copy of the dataset for one run: a file, or a fresh PostgreSQL database filled from it. */
async function workingDatabase(source) {
  const folder = join(tmpdir(), `looptrace-bench-run-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'bench.sqlite');
  copyFileSync(source, file);
  if (options.engine === 'sqlite') return { env: { DATABASE_PATH: file }, file, drop: async () => rmSync(folder, { recursive: true, force: true }) };
  const name = `looptrace_bench_${process.pid}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  log('Copying the dataset into PostgreSQL…');
  execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'db', 'copy', '--from', file, '--to', url.toString()], { stdio: ['ignore', 'ignore', 'inherit'] });
  return {
    env: { DATABASE_URL: url.toString() },
    file: null,
    drop: async () => {
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

// ---------- the service ----------

async function startService(databaseEnv, extraEnv = {}) {
  const port = 3900 + Math.floor(Math.random() * 90);
  const child = spawn(process.execPath, [join(ROOT, 'dist/main.js')], {
    env: serviceEnv(port, { ...databaseEnv, ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 3000; attempt++) {
    if (child.exitCode !== null) throw new Error(`the service stopped:\n${Buffer.concat(output)}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  // The highest resident memory seen, over the run and since the last mark, sampled twenty times a second.
  let rss = 0;
  let rssSinceMark = 0;
  const sample = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      rss = Math.max(rss, kb * 1024);
      rssSinceMark = Math.max(rssSinceMark, kb * 1024);
    } catch {
      // gone
    }
  };
  const sampler = setInterval(sample, 50);
  return {
    url,
    output,
    maxRss: () => (sample(), rss),
    /** The highest resident memory since the last call, and a new mark. */
    markRss: () => {
      sample();
      const highest = rssSinceMark;
      rssSinceMark = 0;
      return highest;
    },
    stop: async () => {
      clearInterval(sampler);
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

// ---------- requests ----------

function client(url) {
  const gql = async (token, query, variables) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  };
  const ok = async (token, query, variables) => {
    const answer = await gql(token, query, variables);
    if (answer.errors) throw new Error(`${query.slice(0, 100)}: ${JSON.stringify(answer.errors).slice(0, 500)}`);
    return answer.data;
  };
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  const statements = async () => Number(/^looptrace_database_statements_total (\d+)$/m.exec(await metrics())[1]);
  /** The process's memory as it reports it: resident, V8's heap in use, and what lives outside the heap on its behalf (buffers). */
  const memory = async () => {
    const text = await metrics();
    const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { rss: value('process_resident_memory_bytes'), heapUsed: value('nodejs_heap_size_used_bytes'), external: value('nodejs_external_memory_bytes') };
  };
  return { gql, ok, statements, memory };
}


/**
 * `count` requests made by `next(i)` from `concurrency` clients at once:
 * requests per second, and each one's milliseconds.
 */
async function block(next, count, concurrency) {
  const times = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < count) {
        const index = issued++;
        const begun = performance.now();
        await next(index);
        times.push(performance.now() - begun);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), times };
}

// ---------- the run ----------

const TRACE = `query Trace($key: String!) {
  loop(key: $key) {
    key stage stageEnteredAt lastEventAt waitingOn stalledSince
    feedback { title body origin organization releaseInUse projects tags voteCount createdAt submitter { name organization } triagedAt triagedBy { name } }
    themes { theme { key title kind ancestors { key title } } rationale linkedAt linkedBy { name } }
    projects { project delivered blueprints { direct counts delivered blueprint { key name title implementationStatus definitionStatus targetRelease { name } } viaThemes { key } outcomes { result release { name } } } }
    stages { stage seconds stays }
    closure { resolution note closedAt closedBy { name } }
    verification { verdict note verifiedAt }
    completedIn { name }
    timeline(first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { type occurredAt recordKey actor { name } before after data } }
  }
}`;

const LOOP_PAGE = `query Page($filter: LoopFilter, $orderBy: LoopOrder, $after: String) {
  loops(first: 50, filter: $filter, orderBy: $orderBy, after: $after) { nodes { key stage stageEnteredAt feedback { title voteCount } } pageInfo { endCursor } }
}`;
const LOOP_PAGE_COUNTED = LOOP_PAGE.replace('pageInfo { endCursor }', 'pageInfo { endCursor } totalCount');
const FEEDBACK_PAGE = `query Items($filter: FeedbackFilter, $orderBy: FeedbackOrder, $after: String) {
  feedbackItems(first: 50, filter: $filter, orderBy: $orderBy, after: $after) { nodes { key title stage voteCount createdAt } pageInfo { endCursor } }
}`;
const HEALTH = `query Health($filter: LoopFilter) {
  loopHealth(filter: $filter) { total funnel { stage count } timeInStage { stage medianSeconds samples } stalled untriagedByAge { label count } requestToClosure { medianSeconds samples } closureByRelease { release { name } closed rate } themesWithoutBlueprint blueprintsWithoutRequest }
}`;

async function run(loops) {
  const { file: source, tokens, generatedInSeconds } = dataset(loops);
  const database = await workingDatabase(source);
  const service = await startService(database.env);
  const api = client(service.url);
  const rows = [];
  try {
    const pm = tokens['pm1@pwg.example.org'];
    const lead = tokens['lead.nova@dev.example.org'];
    const operators = Object.keys(tokens).filter((email) => email.startsWith('operator')).slice(0, 16);
    const pick = (index) => `FB-${1 + ((index * 7919 + 13) % loops)}`;
    const typename = () => api.ok(pm, '{ __typename }');

    /** A measure beside `{ __typename }`: ROUNDS rounds of a block of each. */
    const measure = async (name, request, { concurrency = 1, requests: wanted = REQUESTS, statements = true } = {}) => {
      const requests = Math.max(1, Math.floor(wanted));
      if (only && !only.test(name) && !(name.startsWith('submitFeedback') && only.test('writes'))) return null;
      const ratios = [];
      const p50s = [];
      const rates = [];
      let offset = 0;
      service.markRss();
      for (let round = 0; round < ROUNDS; round++) {
        const base = await block(typename, requests, concurrency);
        const start = offset;
        const measured = await block((index) => request(start + index), requests, concurrency);
        offset += requests;
        ratios.push(measured.perSecond / base.perSecond);
        p50s.push(median(measured.times));
        rates.push(measured.perSecond);
      }
      let perRequest = null;
      if (statements) {
        const idle = -((await api.statements()) - (await api.statements()));
        const before = await api.statements();
        await request(offset);
        perRequest = (await api.statements()) - before - idle;
      }
      const peakRss = service.markRss();
      const after = await api.memory();
      const row = { name, concurrency, p50: median(p50s), perSecond: median(rates), ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios), statements: perRequest, peakRss, after };
      rows.push(row);
      log(`  ${name} (c=${concurrency}): ${row.p50.toFixed(1)} ms p50, ${row.perSecond.toFixed(0)}/s, ${(row.ratio * 100).toFixed(1)} % of { __typename }; RSS at most ${mb(peakRss)} MB, after it ${mb(after.rss)} MB (heap ${mb(after.heapUsed)}, external ${mb(after.external)})`);
      return row;
    };

    const started = await api.memory();
    log(`Reads on ${loops} loops (${options.engine}); the service started with RSS ${mb(started.rss)} MB (heap ${mb(started.heapUsed)}, external ${mb(started.external)})…`);
    const typenameAlone = await block(typename, REQUESTS * 2, 1);
    await measure('trace: loop(key), the trace page', (i) => api.ok(pm, TRACE, { key: pick(i) }));
    await measure('trace: loop(key), the trace page', (i) => api.ok(pm, TRACE, { key: pick(i) }), { concurrency: 16, requests: REQUESTS * 4, statements: false });

    // Pages: unfiltered, with each filter and each order, the first and the tenth.
    const tenth = async (query, variables) => {
      let after = null;
      for (let page = 1; page < 10; page++) {
        const data = await api.ok(pm, query, { ...variables, after });
        after = Object.values(data)[0].pageInfo.endCursor;
        if (!after) return null;
      }
      return after;
    };
    const pageMeasures = async (label, query, shapes) => {
      for (const [shape, variables] of shapes) {
        await measure(`${label}${shape}, first page`, () => api.ok(pm, query, variables));
        if (only && !only.test(`${label}${shape}, tenth page`)) continue;
        const after = await tenth(query, variables);
        if (after) await measure(`${label}${shape}, tenth page`, () => api.ok(pm, query, { ...variables, after }));
        else rows.push({ name: `${label}${shape}, tenth page`, missing: 'fewer than ten pages' });
      }
    };
    const orders = ['CREATED_AT', 'LAST_EVENT_AT', 'STAGE_ENTERED_AT', 'VOTES'].flatMap((field) => ['DESC', 'ASC'].map((direction) => [` orderBy ${field} ${direction}`, { orderBy: { field, direction } }]));
    await pageMeasures('loops(first: 50)', LOOP_PAGE, [
      ['', {}],
      [' filter stage IN_DEVELOPMENT', { filter: { stage: 'IN_DEVELOPMENT' } }],
      [' filter origin USER', { filter: { origin: 'USER' } }],
      [' filter project nova', { filter: { project: 'nova' } }],
      [' filter release 2025.1', { filter: { release: '2025.1' } }],
      [' filter themeKey TH-1', { filter: { themeKey: 'TH-1' } }],
      [' filter tag scale', { filter: { tag: 'scale' } }],
      [' filter submitterEmail', { filter: { submitterEmail: 'operator1@example.org' } }],
      [' filter stalledForDays 60', { filter: { stalledForDays: 60 } }],
      ...orders,
    ]);
    await measure('loops(first: 50) with totalCount', () => api.ok(pm, LOOP_PAGE_COUNTED, {}));
    await measure('loops(first: 50) filter project nova with totalCount', () => api.ok(pm, LOOP_PAGE_COUNTED, { filter: { project: 'nova' } }));
    await pageMeasures('feedbackItems(first: 50)', FEEDBACK_PAGE, [
      ['', {}],
      [' filter stage TRIAGED', { filter: { stage: 'TRIAGED' } }],
      [' filter origin OPERATOR', { filter: { origin: 'OPERATOR' } }],
      [' filter organization', { filter: { organization: 'Cloud B1' } }],
      [' filter project cinder', { filter: { project: 'cinder' } }],
      [' filter tag ha', { filter: { tag: 'ha' } }],
      [' filter submitterEmail', { filter: { submitterEmail: 'operator1@example.org' } }],
      ...orders,
    ]);
    await measure('search "live migration", first 20', () => api.ok(pm, '{ search(query: "live migration", first: 20) { nodes { kind score } } }'));
    for (const [slice, filter] of [['', null], [' by origin', { origin: 'OPERATOR' }], [' by project', { project: 'nova' }], [' by theme', { themeKey: 'TH-1' }], [' by release', { release: '2025.1' }]]) {
      await measure(`loopHealth${slice}`, () => api.ok(pm, HEALTH, { filter }));
    }

    log('Writes…');
    const submitted = [];
    await measure('submitFeedback, 8 clients', async (i) => {
      const by = tokens[operators[i % 8]];
      const data = await api.ok(by, 'mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { feedback { key } } }', {
        i: { title: `Bench request ${i}`, body: 'Measured by the bench.', origin: 'OPERATOR', projects: ['nova'], tags: ['bench'] },
      });
      submitted.push(data.submitFeedback.feedback.key);
    }, { concurrency: 8, requests: Math.max(REQUESTS * 4, 400) });
    // Each voter votes for each new request at most once: 8 voters, each a different request of every 8.
    if (submitted.length >= 8 * ROUNDS) await measure('voteFeedback, 8 clients', (i) => api.ok(tokens[operators[8 + (i % 8)]], 'mutation($k: String!) { voteFeedback(input: { key: $k }) { feedback { key } } }', { k: submitted[Math.floor(i / 8) * 8 + (i % 8)] }), {
      concurrency: 8,
      requests: Math.floor(submitted.length / 8 / ROUNDS) * 8,
    });
    if (submitted.length >= 1000 && (!only || only.test('updateBlueprint'))) await moveMany(api, pm, lead, submitted, measure);

    // The floor: the trace's own statements, run here on the database file with nothing above them.
    let floor = null;
    if (database.file && (!only || only.test('floor'))) floor = await rawFloor(database, service, pm, pick, typenameAlone.perSecond);
    return { loops, generatedInSeconds, rows, rss: service.maxRss(), startRss: started.rss, floor, typename: typenameAlone };
  } finally {
    await service.stop();
    await database.drop();
  }
}

/** A theme whose blueprint answers 1,000 new loops: linking them is the link measure; status changes then move all of them. */
async function moveMany(api, pm, lead, submitted, measure) {
    const theme = (await api.ok(pm, 'mutation { createTheme(input: { title: "Bench: a thousand loops", kind: THEME }) { theme { key } } }')).createTheme.theme.key;
    const blueprint = `bench-move-${Date.now()}`;
    await api.ok(lead, `mutation { createBlueprint(input: { project: "nova", name: "${blueprint}", title: "Bench", definitionStatus: APPROVED, implementationStatus: NOT_STARTED, targetRelease: "2026.2" }) { blueprint { key } } }`);
    await api.ok(lead, `mutation { linkBlueprint(input: { project: "nova", name: "${blueprint}", themeKey: "${theme}" }) { blueprint { key } } }`);
    const linked = submitted.slice(0, 1000);
    await measure('linkFeedbackToTheme', (i) => api.ok(pm, 'mutation($f: String!, $t: String!) { linkFeedbackToTheme(input: { feedbackKey: $f, themeKey: $t }) { theme { key } } }', { f: linked[i], t: theme }), {
      requests: linked.length / ROUNDS,
    });
    const moved = (await api.ok(pm, `{ loops(first: 1, filter: { themeKey: "${theme}" }) { totalCount } }`)).loops.totalCount;
    const statuses = ['STARTED', 'NOT_STARTED'];
    await measure(`updateBlueprint status, moving ${moved} loops`, (i) => api.ok(lead, `mutation { updateBlueprint(input: { project: "nova", name: "${blueprint}", implementationStatus: ${statuses[i % 2]} }) { blueprint { key } } }`), { requests: 2 });
}

/** Starts a second service on the same file that logs its SQL, asks it for one trace, and runs those statements here, straight on the file. */
async function rawFloor(database, main, pm, pick, typenamePerSecond) {
  const capture = await startService(database.env, { LOG_SQL: 'true', LOG_LEVEL: 'debug' });
  let statements = [];
  try {
    const mark = capture.output.length;
    await client(capture.url).ok(pm, TRACE, { key: pick(1) });
    await sleep(200);
    const lines = Buffer.concat(capture.output.slice(mark)).toString('utf8').split('\n');
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line);
      if (entry.context !== 'SQL' || !/^\s*(SELECT|WITH)/i.test(entry.msg)) continue;
      const split = entry.msg.lastIndexOf(' -- [');
      statements.push(split === -1 ? { sql: entry.msg, parameters: [] } : { sql: entry.msg.slice(0, split), parameters: JSON.parse(entry.msg.slice(split + 4)) });
    }
  } finally {
    await capture.stop();
  }
  statements = statements.filter((statement) => !/api_token/.test(statement.sql));
  const db = new Database(database.file, { readonly: true });
  try {
    const prepared = statements.map((statement) => ({ statement: db.prepare(statement.sql), parameters: statement.parameters }));
    const traces = 300;
    const started = performance.now();
    for (let i = 0; i < traces; i++) for (const { statement, parameters } of prepared) statement.all(...parameters);
    const perSecond = traces / ((performance.now() - started) / 1000);
    return { statements: statements.length, perSecond, ratio: perSecond / typenamePerSecond };
  } finally {
    db.close();
  }
}

// ---------- the report ----------

function report(results) {
  const date = new Date().toISOString().slice(0, 10);
  const lines = [];
  const out = (line = '') => lines.push(line);
  out(`### ${options.engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${date}`);
  out();
  out(`${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${ROUNDS} rounds of ${REQUESTS} requests a measure (more for writes and c=16), each round a block of \`{ __typename }\` then a block of the measure; medians of the rounds, and the lowest and highest round's ratio.`);
  for (const result of results) {
    out();
    out(`#### ${result.loops.toLocaleString('en')} loops`);
    out();
    out(`Generated by \`dataset generate\`${result.generatedInSeconds ? ` in ${Math.round(result.generatedInSeconds)} s` : ''}. \`{ __typename }\`: ${result.typename.perSecond.toFixed(0)} requests/s at c=1 (p50 ${median(result.typename.times).toFixed(2)} ms). Server RSS ${mb(result.startRss)} MB once started, at most ${mb(result.rss)} MB during the run (each measure's highest is in the last column).`);
    if (result.floor) out(`Raw-SQL floor of the trace: its ${result.floor.statements} statements, run straight on the file with better-sqlite3, ${result.floor.perSecond.toFixed(0)} traces/s (${(result.floor.ratio * 100).toFixed(0)} % of \`{ __typename }\`).`);
    out();
    out('| measure | c | p50 ms | req/s | % of `{ __typename }` (low–high) | SQL statements | RSS at most, MB |');
    out('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of result.rows) {
      if (row.missing) {
        out(`| ${row.name} | | | | ${row.missing} | | |`);
        continue;
      }
      out(`| ${row.name} | ${row.concurrency} | ${row.p50.toFixed(1)} | ${row.perSecond.toFixed(0)} | ${(row.ratio * 100).toFixed(1)} (${(row.low * 100).toFixed(1)}–${(row.high * 100).toFixed(1)}) | ${row.statements ?? ''} | ${mb(row.peakRss)} |`);
    }
  }
  return lines.join('\n');
}

function writeInto(markdown) {
  const path = join(ROOT, 'docs/benchmarks.md');
  const start = `<!-- bench ${options.engine} ${options.loops} -->`;
  const end = `<!-- end bench ${options.engine} ${options.loops} -->`;
  const text = readFileSync(path, 'utf8');
  const block = `${start}\n${markdown}\n${end}`;
  const at = text.indexOf(start);
  const next = at === -1 ? text.replace('\n## ', `\n${block}\n\n## `) : text.slice(0, at) + block + text.slice(text.indexOf(end) + end.length);
  writeFileSync(path, next);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/main.js'))) throw new Error('Build first: npm run bench builds, then runs this.');
  const results = [];
  for (const loops of options.loops.split(',').map((value) => Number(value.replace(/_/g, '')))) results.push(await run(loops));
  const markdown = report(results);
  console.log(markdown);
  if (options.write) writeInto(markdown);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

