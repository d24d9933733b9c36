// What the benchmark scripts share: the admin token and the settings they
// start the service with, the PostgreSQL server they use, and their arithmetic.
const { Client } = require('pg');

const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const PG_SERVER = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The environment of the built service as the benches start it: production
 * mode on 127.0.0.1 and the port, with these settings added. A bench sends far
 * more than any person would, so the budgets are not what it measures, and no
 * worker polls beside it.
 */
const serviceEnv = (port, settings = {}) => ({
  ...process.env,
  NODE_ENV: 'production',
  PORT: String(port),
  HOST: '127.0.0.1',
  ADMIN_TOKEN,
  QUERY_BUDGET_PER_HOUR: '1000000000',
  ANONYMOUS_REQUESTS_PER_MINUTE: '1000000',
  WEBHOOK_POLL_MS: '0',
  STALL_SWEEP_MS: '0',
  ...settings,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at a percentile, by nearest rank. */
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
/** The middle value; of an even number of values, the mean of the two in the middle. */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs one statement on the PostgreSQL server, outside any database of the bench (CREATE or DROP DATABASE). */
async function onServer(sql) {
  const client = new Client({ connectionString: PG_SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

module.exports = { ADMIN_TOKEN, PG_SERVER, serviceEnv, sleep, percentile, median, onServer };
