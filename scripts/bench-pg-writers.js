#!/usr/bin/env node
// Measures how write throughput on PostgreSQL grows with a second instance:
// writes per second from 8 clients against one instance, then from 8 clients
// against each of two instances on the same database. Every client writes to
// loops of its own (it submits a request, then another actor of its votes for
// it), so the writes concern unrelated loops. Starts the built service
// (dist/main.js) twice on a fresh database, and prints Markdown.
//
//   npm run build && node scripts/bench-pg-writers.js [--clients 8] [--rounds 5] [--seconds 10]
//
// Rounds of one instance and of two alternate, so that the machine's other
// work weighs on both alike; the figures are the medians of the rounds, with
// the slowest and fastest round beside them. Nothing here asserts a time.
// `measureWriters` is exported for scripts/bench.js to call.
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { cpus, loadavg, totalmem } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { Client } = require('pg');
const { ADMIN_TOKEN, PG_SERVER, serviceEnv, median, onServer, sleep } = require('./bench-support');

// ---------- the database and the services ----------

async function createDatabase() {
  const name = `looptrace_bench_writers_${process.pid}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// ---------- where the time goes ----------

const TICKS_PER_SECOND = 100;

/** Processor time a process has used so far, in seconds; null where /proc cannot tell (not Linux, or the process is gone). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Watches the database's connections to the bench database while a round
 * runs: how many wait for a lock, run a statement, or wait, inside a
 * transaction, for the service to send the next one (sampled every 50 ms);
 * and the processor time their backends use.
 */
async function watchDatabase(database) {
  const client = new Client({ connectionString: PG_SERVER });
  await client.connect();
  const samples = [];
  const backends = new Map();
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const { rows } = await client.query(
        `SELECT pid, wait_event_type = 'Lock' AS locked, state = 'active' AS active, state LIKE 'idle in transaction%' AS waiting
           FROM pg_stat_activity WHERE datname = $1`,
        [database.name],
      );
      samples.push({ locked: rows.filter((row) => row.locked).length, active: rows.filter((row) => row.active && !row.locked).length, idle: rows.filter((row) => row.waiting).length });
      for (const { pid } of rows) if (!backends.has(pid)) backends.set(pid, cpuSeconds(pid));
      await sleep(50);
    }
  })();
  return async () => {
    stopped = true;
    await sampling;
    await client.end();
    let used = 0;
    for (const [pid, start] of backends) {
      const end = cpuSeconds(pid);
      if (start !== null && end !== null) used += end - start;
    }
    const mean = (key) => samples.reduce((sum, sample) => sum + sample[key], 0) / Math.max(1, samples.length);
    return { databaseCpu: used, locked: mean('locked'), active: mean('active'), idle: mean('idle') };
  };
}

/** The built service on its own port, as production runs it; resolves once it answers. */
async function startService(databaseUrl, port) {
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
    env: serviceEnv(port, { DATABASE_URL: databaseUrl }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const service = { url: `http://127.0.0.1:${port}/graphql`, child, pid: child.pid, log: () => log };
  for (let attempt = 0; attempt < 600; attempt++) {
    if (child.exitCode !== null) throw new Error(`the service stopped:\n${log}`);
    try {
      if ((await gql(service, null, '{ __typename }')).data) return service;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service did not start:\n${log}`);
}

async function stopService(service) {
  if (service.child.exitCode !== null) return;
  service.child.kill('SIGTERM');
  await new Promise((resolve) => service.child.once('exit', resolve));
}

// ---------- requests ----------

async function gql(service, token, query, variables) {
  const response = await fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function ok(service, token, query, variables) {
  const answer = await gql(service, token, query, variables);
  if (answer.errors) throw new Error(`${query.slice(0, 80)}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}

async function tokenFor(service, role, email) {
  await ok(service, ADMIN_TOKEN, `mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } } }`, { i: { name: email, email, role } });
  const issued = await ok(service, ADMIN_TOKEN, `mutation($i: IssueTokenInput!) { issueToken(input: $i) { token } }`, { i: { actorEmail: email, label: 'bench' } });
  return issued.issueToken.token;
}

const SUBMIT = `mutation($t: String!) { submitFeedback(input: { title: $t, origin: OPERATOR }) { feedback { key } } }`;
const VOTE = `mutation($k: String!) { voteFeedback(input: { key: $k }) { feedback { key } } }`;

/** One client: a submitter and a voter of its own, so that no other client writes to its loops. */
async function makeClient(service, index) {
  return {
    submitter: await tokenFor(service, 'OPERATOR', `submitter-${index}@bench.example`),
    voter: await tokenFor(service, 'USER', `voter-${index}@bench.example`),
    written: 0,
    refused: [],
  };
}

/** The client writes until the deadline: a request, then a vote for it, and so on; each counts as one write. */
async function write(service, client, until, round) {
  let made = 0;
  while (performance.now() < until) {
    const submitted = await gql(service, client.submitter, SUBMIT, { t: `Round ${round}, request ${client.written + 1}` });
    if (submitted.errors) {
      client.refused.push(submitted.errors[0].message);
      continue;
    }
    client.written += 1;
    made += 1;
    if (performance.now() >= until) break;
    const voted = await gql(service, client.voter, VOTE, { k: submitted.data.submitFeedback.feedback.key });
    if (voted.errors) client.refused.push(voted.errors[0].message);
    else made += 1;
  }
  return made;
}

/**
 * Every client writing at once through its instance, for `seconds`, after a
 * short warm-up: writes per second, and where the time went (processor
 * seconds per write of the services and of the database, and how many of the
 * database's connections waited for a lock, ran a statement, or waited for
 * the service, on average).
 */
async function measure(database, services, assignments, seconds, round) {
  const warmUntil = performance.now() + 1000;
  await Promise.all(assignments.map(({ service, client }) => write(service, client, warmUntil, `${round}-warm`)));
  const watched = await watchDatabase(database);
  const servicesBefore = services.map((service) => cpuSeconds(service.pid));
  const started = performance.now();
  const until = started + seconds * 1000;
  const counts = await Promise.all(assignments.map(({ service, client }) => write(service, client, until, round)));
  const elapsed = (performance.now() - started) / 1000;
  const servicesAfter = services.map((service) => cpuSeconds(service.pid));
  const { databaseCpu, locked, active, idle } = await watched();
  const writes = counts.reduce((sum, count) => sum + count, 0);
  const serviceCpu = servicesAfter.some((value) => value === null) ? null : servicesAfter.reduce((sum, value, index) => sum + value - servicesBefore[index], 0);
  return {
    perSecond: writes / elapsed,
    serviceMsPerWrite: serviceCpu === null ? null : (serviceCpu * 1000) / writes,
    databaseMsPerWrite: serviceCpu === null ? null : (databaseCpu * 1000) / writes,
    locked,
    active,
    idle,
    load: loadavg()[0],
  };
}

/**
 * Starts two instances on a fresh PostgreSQL database and measures writes per
 * second: `clients` clients against the first instance alone, and `clients`
 * against each of the two, in alternate rounds. Resolves to the figures of
 * every round.
 */
async function measureWriters({ clients = 8, rounds = 5, seconds = 10, log = () => undefined } = {}) {
  const database = await createDatabase();
  const port = 3700 + Math.floor(Math.random() * 150);
  const services = [];
  try {
    services.push(await startService(database.url, port));
    services.push(await startService(database.url, port + 1));
    const [a, b] = services;
    log(`Creating ${clients * 2} clients…`);
    const ofA = [];
    const ofB = [];
    for (let index = 0; index < clients; index++) ofA.push(await makeClient(a, `a${index}`));
    for (let index = 0; index < clients; index++) ofB.push(await makeClient(b, `b${index}`));
    const one = [];
    const two = [];
    const said = (round, what, figures) =>
      log(`round ${round}: ${what} ${figures.perSecond.toFixed(1)} writes/s; load average ${figures.load.toFixed(1)}; connections waiting for a lock ${figures.locked.toFixed(2)}`);
    for (let round = 1; round <= rounds; round++) {
      one.push(await measure(database, [a], ofA.map((client) => ({ service: a, client })), seconds, `one-${round}`));
      said(round, 'one instance', one.at(-1));
      const both = [...ofA.map((client) => ({ service: a, client })), ...ofB.map((client) => ({ service: b, client }))];
      two.push(await measure(database, [a, b], both, seconds, `two-${round}`));
      said(round, 'two instances', two.at(-1));
    }
    const refused = [...ofA, ...ofB].flatMap((client) => client.refused);
    return { clients, rounds, seconds, one, two, refused };
  } finally {
    await Promise.all(services.map(stopService));
    await database.drop();
  }
}

/** The figures as Markdown. */
function report({ clients, rounds, seconds, one, two, refused }) {
  const rates = (figures) => figures.map((round) => round.perSecond);
  const spread = (values) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  const ms = (figures, key) => (figures.some((round) => round[key] === null) ? 'n/a' : median(figures.map((round) => round[key])).toFixed(1));
  const ratios = one.map((round, index) => two[index].perSecond / round.perSecond);
  const row = (instances, who, figures) =>
    `| ${instances} | ${who} | ${median(rates(figures)).toFixed(1)} | ${spread(rates(figures))} | ${ms(figures, 'serviceMsPerWrite')} | ${ms(figures, 'databaseMsPerWrite')} | ${median(figures.map((round) => round.locked)).toFixed(2)} | ${median(figures.map((round) => round.idle)).toFixed(1)} | ${median(figures.map((round) => round.load)).toFixed(1)} |`;
  const lines = [
    `### Writes on PostgreSQL, one instance and two (${new Date().toISOString().slice(0, 10)})`,
    '',
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${rounds} rounds of ${seconds} s, one instance and two in turn; each client submits a request and votes for it, over and over, on loops no other client writes to. Medians of the rounds; processor time is that of the services' processes and of the database's backends for the bench database, per write; the connections are those of the bench database, sampled every 50 ms: waiting for a lock, and idle in a transaction (waiting for the service to send the next statement); load is the machine's load average (1 minute) at the end of the round.`,
    '',
    '| instances | clients | writes/s | slowest–fastest round | service CPU ms/write | database CPU ms/write | waiting for a lock | waiting for the service | load |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(1, clients, one),
    row(2, `${clients} each`, two),
    '',
    `Two instances over one: ${(median(rates(two)) / median(rates(one))).toFixed(2)}× (medians); round by round ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}.`,
  ];
  if (refused.length) lines.push('', `${refused.length} writes were refused, the first with: ${refused[0]}`);
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '10' },
    },
  });
  const figures = await measureWriters({
    clients: Number(values.clients),
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(report(figures));
}

module.exports = { measureWriters, report };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
