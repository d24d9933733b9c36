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
const { cpus, totalmem } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { Client } = require('pg');

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const PG_SERVER = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// ---------- the database and the services ----------

async function onServer(sql) {
  const client = new Client({ connectionString: PG_SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase() {
  const name = `looptrace_bench_writers_${process.pid}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The built service on its own port, as production runs it; resolves once it answers. */
async function startService(databaseUrl, port) {
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      // The bench is a few callers sending far more than any person would: their budgets must not be what it measures.
      QUERY_BUDGET_PER_HOUR: '1000000000',
      ANONYMOUS_REQUESTS_PER_MINUTE: '1000000',
      WEBHOOK_POLL_MS: '0',
      STALL_SWEEP_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const service = { url: `http://127.0.0.1:${port}/graphql`, child, log: () => log };
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

/** Writes per second of every client writing at once through its instance, for `seconds`, after a short warm-up. */
async function measure(assignments, seconds, round) {
  const warmUntil = performance.now() + 1000;
  await Promise.all(assignments.map(({ service, client }) => write(service, client, warmUntil, `${round}-warm`)));
  const started = performance.now();
  const until = started + seconds * 1000;
  const counts = await Promise.all(assignments.map(({ service, client }) => write(service, client, until, round)));
  const elapsed = (performance.now() - started) / 1000;
  return counts.reduce((sum, count) => sum + count, 0) / elapsed;
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
    for (let round = 1; round <= rounds; round++) {
      one.push(await measure(ofA.map((client) => ({ service: a, client })), seconds, `one-${round}`));
      log(`round ${round}: one instance ${one.at(-1).toFixed(1)} writes/s`);
      two.push(await measure([...ofA.map((client) => ({ service: a, client })), ...ofB.map((client) => ({ service: b, client }))], seconds, `two-${round}`));
      log(`round ${round}: two instances ${two.at(-1).toFixed(1)} writes/s`);
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
  const spread = (values) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  const ratios = one.map((value, index) => two[index] / value);
  const lines = [
    `### Writes on PostgreSQL, one instance and two (${new Date().toISOString().slice(0, 10)})`,
    '',
    `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${rounds} rounds of ${seconds} s, one instance and two in turn; each client submits a request and votes for it, over and over, on loops no other client writes to.`,
    '',
    '| instances | clients | writes/s (median) | slowest–fastest round |',
    '| ---: | ---: | ---: | ---: |',
    `| 1 | ${clients} | ${median(one).toFixed(1)} | ${spread(one)} |`,
    `| 2 | ${clients} each | ${median(two).toFixed(1)} | ${spread(two)} |`,
    '',
    `Two instances over one: ${(median(two) / median(one)).toFixed(2)}× (medians); round by round ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}.`,
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
