import { Writable } from 'node:stream';
import { WRITER } from '../src/database/writer';
import { SqlLogger } from '../src/database/sql-logger';
import { loadConfig } from '../src/config/config';
import { MIGRATIONS } from '../src/database/migrations';
import { DataSource } from 'typeorm';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';
import { waitFor } from './support/wait';

/** One line of the service's log, as pino writes it. */
interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  req?: { path?: string };
  res?: { statusCode?: number };
  [field: string]: unknown;
}

/** Collects the service's log lines, each a JSON object. */
function logSink(): { stream: Writable; lines: LogLine[] } {
  const lines: LogLine[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop()!;
      parts.filter(Boolean).forEach((part) => lines.push(JSON.parse(part)));
      done();
    },
  });
  return { stream, lines };
}

async function get(service: TestService, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(service.url.replace(/\/graphql$/, path), { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What an operator watches: health probes, metrics, one log line per request, and the headers every answer carries. */
describe('operations', () => {
  let service: TestService;
  let pm: { token: string; email: string };
  const logs = logSink();
  const defaults = loadConfig({ NODE_ENV: 'production' });

  beforeAll(async () => {
    service = await startService({ observability: { ...defaults.observability, slowOperationMs: 1 } }, { logs: logs.stream });
    pm = await service.actor('PRODUCT_MANAGER', 'Pat');
  });

  afterAll(() => service.close());

  describe('health', () => {
    it('answers live and ready without a token, in JSON, and writes nothing', async () => {
      const tokensBefore = await service.sql('SELECT id, last_used_at FROM api_token ORDER BY id');
      const eventsBefore = await service.count('loop_event');
      for (let probe = 0; probe < 20; probe++) {
        expect((await get(service, '/health/live')).status).toBe(200);
        expect((await get(service, '/health/ready')).status).toBe(200);
      }
      const ready = JSON.parse((await get(service, '/health/ready')).text);
      expect(ready).toMatchObject({
        status: 'ok',
        details: { database: { status: 'up' }, migrations: { status: 'up', applied: MIGRATIONS.length }, webhookWorker: { status: 'up', polling: true } },
      });
      expect(JSON.parse((await get(service, '/health/live')).text)).toMatchObject({ status: 'ok' });
      expect(await service.sql('SELECT id, last_used_at FROM api_token ORDER BY id')).toEqual(tokensBefore);
      expect(await service.count('loop_event')).toBe(eventsBefore);
    });

    it('is not ready, with 503 and the reason, when the database lacks a migration of this build', async () => {
      const writer = service.app.get<DataSource>(WRITER);
      const [last] = await writer.query('SELECT id, timestamp, name FROM migrations ORDER BY id DESC LIMIT 1');
      await writer.query(`DELETE FROM migrations WHERE id = ${Number(last.id)}`);
      try {
        const ready = await get(service, '/health/ready');
        expect(ready.status).toBe(503);
        expect(JSON.parse(ready.text)).toMatchObject({ status: 'error', error: { migrations: { status: 'down', missing: [last.name] } } });
        expect((await get(service, '/health/live')).status).toBe(200);
      } finally {
        await writer.query(`INSERT INTO migrations (id, timestamp, name) VALUES (${Number(last.id)}, ${Number(last.timestamp)}, '${last.name}')`);
      }
      expect((await get(service, '/health/ready')).status).toBe(200);
    });
  });

  describe('metrics', () => {
    it('counts operations by name and outcome, refusals for cost, answers by route, and reads the outbox and subscriptions', async () => {
      await service.ok(pm.token, 'query Funnel { loopHealth { total } }');
      await service.ok(pm.token, 'query Funnel { loopHealth { total } }');
      await service.gql(pm.token, 'query TooMuch { loops(first: 100) { nodes { themes { theme { loops(first: 100) { nodes { key } } } } } } }');
      await service.gql('lt_not-a-token', '{ __typename }');
      const { status, headers, text } = await get(service, '/metrics');
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      expect(text).toMatch(/^looptrace_graphql_operations_total\{operation="Funnel",type="query",outcome="OK"\} 2$/m);
      expect(text).toMatch(/^looptrace_graphql_operations_total\{operation="TooMuch",type="query",outcome="QUERY_TOO_COMPLEX"\} 1$/m);
      expect(text).toMatch(/^looptrace_graphql_refused_total\{code="QUERY_TOO_COMPLEX"\} 1$/m);
      expect(text).toMatch(/^looptrace_graphql_operation_duration_seconds_count\{operation="Funnel",type="query",outcome="OK"\} 2$/m);
      expect(text).toMatch(/^looptrace_http_responses_total\{route="\/graphql",status="401"\} 1$/m);
      expect(text).toMatch(/^looptrace_webhook_outbox_pending 0$/m);
      expect(text).toMatch(/^looptrace_webhook_oldest_pending_seconds 0$/m);
      expect(text).toMatch(/^looptrace_webhook_dead_deliveries 0$/m);
      expect(text).toMatch(/^looptrace_live_subscriptions 0$/m);
      expect(text).toMatch(/^looptrace_database_statements_waiting \d+$/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
      // Statements run count up with the work done: at least the statements the request ran, as the SQL logger counted them.
      const statements = (metrics: string) => Number(/^looptrace_database_statements_total (\d+)$/m.exec(metrics)![1]);
      const logger = service.app.get(SqlLogger);
      const before = statements((await get(service, '/metrics')).text);
      const counted = logger.statements;
      await service.ok(pm.token, '{ loops(first: 5) { nodes { key themes { theme { key } } } } }');
      const ran = logger.statements - counted;
      expect(ran).toBeGreaterThan(0);
      expect(statements((await get(service, '/metrics')).text) - before).toBeGreaterThanOrEqual(ran);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    });

    it('asks for METRICS_TOKEN when one is set', async () => {
      const guarded = await startService({ observability: { ...defaults.observability, metricsToken: 'a-scraper-secret-0123' } });
      try {
        expect((await get(guarded, '/metrics')).status).toBe(401);
        expect((await get(guarded, '/metrics', { authorization: 'Bearer not-the-secret-000000' })).status).toBe(401);
        expect((await get(guarded, '/metrics', { authorization: 'Bearer a-scraper-secret-0123' })).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('logs', () => {
    it('writes one JSON line per request: its id, operation, actor id, duration and outcome, and never a token or an email', async () => {
      await fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pm.token}`, 'x-request-id': 'script-7' },
        body: JSON.stringify({ query: 'query Me { viewer { name email } }' }),
      });
      const line = logs.lines.find((entry) => entry.reqId === 'script-7' && entry.res);
      expect(line).toMatchObject({
        level: 30,
        req: { id: 'script-7', method: 'POST', path: '/graphql' },
        res: { statusCode: 200 },
        operation: 'Me',
        operationType: 'query',
        outcome: 'OK',
        actorId: expect.any(Number),
        durationMs: expect.any(Number),
        msg: expect.stringMatching(/^POST \/graphql 200 in \d+ ms$/),
      });
      expect(typeof line!.time).toBe('string');
      const everything = JSON.stringify(logs.lines);
      expect(everything).not.toContain(pm.token);
      expect(everything).not.toContain(ADMIN_TOKEN);
      expect(everything).not.toContain(pm.email);
    });

    it('logs the requests the door refuses, and the operations slower than SLOW_OPERATION_MS', async () => {
      await service.gql('lt_wrong-token', '{ __typename }');
      expect(logs.lines.some((entry) => entry.res?.statusCode === 401 && entry.req?.path === '/graphql')).toBe(true);
      await service.ok(pm.token, 'query Slowish { loops(first: 5) { nodes { key } } }');
      expect(logs.lines.some((entry) => entry.level === 40 && /^Slow operation Slowish \(query\): \d+ ms, OK, request [\w-]+, actor \d+$/.test(entry.msg))).toBe(true);
    });

    it('logs every failed webhook attempt with its delivery id', async () => {
      await service.api.registerWebhook(ADMIN_TOKEN, { url: 'http://127.0.0.1:9/nobody-listens', events: ['*'], secret: 'a-webhook-secret-123' });
      await service.api.createTheme(pm.token, { title: 'Something to tell', kind: 'THEME' });
      await waitFor('a failed attempt in the log', () =>
        logs.lines.some((entry) => /^Webhook delivery [\w-]+ \(webhook \d+, attempt 1 of \d+\) failed/.test(entry.msg)),
      );
      const [{ id }] = await service.sql<{ id: string }>('SELECT id FROM webhook_delivery ORDER BY created_at LIMIT 1');
      expect(logs.lines.some((entry) => entry.level === 40 && entry.msg.startsWith(`Webhook delivery ${id} (webhook`))).toBe(true);
    });
  });

  it('sends security headers on every answer, the API, pages and 404s alike, and no X-Powered-By', async () => {
    const answers = [
      await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
      await fetch(service.url.replace(/\/graphql$/, '/ide')),
      await fetch(service.url.replace(/\/graphql$/, '/no-such-page')),
      await fetch(service.url.replace(/\/graphql$/, '/health/live')),
    ];
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(answer.headers.get('x-powered-by')).toBeNull();
      expect(answer.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    }
    expect(answers[1].headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(answers[2].status).toBe(404);
  });
});
