import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { copyDatabase } from '../src/cli/db-copy';
import { createTestDatabase, TestDatabase } from './support/database';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';
import { waitFor } from './support/wait';

const TRACE = `query($key: String!) {
  loop(key: $key) {
    key stage stageEnteredAt lastEventAt open stalledSince waitingOn resolution
    feedback {
      id key title body origin organization releaseInUse sourceUrl sourceLine importedVotes voteCount viewerHasVoted
      createdAt updatedAt version triagedAt triageNote triagedBy { email } submitter { id email name role organization createdAt }
      projects tags mergedInto { key } stage stageEnteredAt lastEventAt
    }
    duplicateOf { key }
    themes {
      linkedAt rationale linkedBy { email }
      theme {
        id key title description kind status links specUrl gerritTopic version createdAt updatedAt
        owner { email } targetRelease { id name } parent { key } ancestors { key } children { key }
      }
    }
    blueprints {
      direct counts delivered viaThemes { key }
      blueprint {
        id key project name title url specUrl gerritTopic definitionStatus implementationStatus priority assignee version createdAt updatedAt
        targetRelease { id name sequence state startsOn releasedOn }
      }
      outcomes { id result notes releaseNoteUrl recordedAt updatedAt recordedBy { email } release { id name } }
    }
    projects { project delivered blueprints { blueprint { key } } }
    stages { stage seconds stays }
    stageHistory { stage enteredAt leftAt seconds }
    closure { resolution note closedAt closedBy { email } }
    verification { verdict note verifiedAt }
    completedIn { id name sequence }
    timeline(first: 100) {
      totalCount pageInfo { hasNextPage }
      nodes { id type occurredAt recordType recordKey recordKeys loopKeys actor { email } before after data }
    }
  }
}`;

/** The tables that hold data in an SQLite file, read here without the copy's help: not migrations, SQLite's own or FTS5's shadow tables. */
function dataTables(path: string): Map<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string; sql: string }>;
    const virtual = rows.filter((row) => row.sql.startsWith('CREATE VIRTUAL TABLE')).map((row) => row.name);
    const tables = rows
      .map((row) => row.name)
      .filter((name) => name !== 'migrations' && !name.startsWith('sqlite_') && !virtual.some((table) => name.startsWith(`${table}_`)));
    return new Map(tables.map((name) => [name, Number((db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n)]));
  } finally {
    db.close();
  }
}

/** Rows per table of a PostgreSQL database, read without the copy's help. */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const result: Record<string, number> = {};
    for (const { table_name } of rows) result[table_name] = Number((await client.query(`SELECT COUNT(*) AS n FROM "${table_name}"`)).rows[0].n);
    return result;
  } finally {
    await client.end();
  }
}

interface ReportRow {
  table: string;
  sqliteRows: number;
  postgresRows: number;
  sqliteChecksum: string;
  postgresChecksum: string;
  verdict: string;
}

function reportRows(text: string): ReportRow[] {
  return [...text.matchAll(/^(\w+) +(\d+) +(\d+) +([0-9a-f]{16}) +([0-9a-f]{16}) +(ok|DIFFERS)$/gm)].map((match) => ({
    table: match[1],
    sqliteRows: Number(match[2]),
    postgresRows: Number(match[3]),
    sqliteChecksum: match[4],
    postgresChecksum: match[5],
    verdict: match[6],
  }));
}

/**
 * Moving up: a database built through the service on SQLite is copied to
 * PostgreSQL, where the same service serves the same loops. This runs on
 * PostgreSQL whatever the engine of the run, and fails if it cannot reach it.
 */
describe('copying a database from SQLite to PostgreSQL', () => {
  let sqlite: TestDatabase;
  let postgres: TestDatabase;
  let postgresUrl: string;
  let receiver: Server;
  let operatorToken: string;
  let revokedToken: string;
  let pmToken: string;
  /** How far the clock moved while the data was made: later services start at that moment, as the same service would. */
  let days = 0;

  const runCopy = async (from: string, to: string) => {
    let text = '';
    const code = await copyDatabase(from, to, (chunk) => (text += chunk));
    return { code, text };
  };

  async function startAt(database: TestDatabase): Promise<TestService> {
    const service = await startService({ database: database.database });
    service.clock.advanceDays(days);
    return service;
  }

  /** Loops through several stages, themes, blueprints in two projects, outcomes, a merge, votes, closures, a webhook, tokens. */
  async function populate(service: TestService, webhookUrl: string): Promise<void> {
    const later = (count: number) => {
      service.clock.advanceDays(count);
      days += count;
    };
    const { api } = service;
    const operator = await service.actor('OPERATOR', 'Olga Operator');
    const user = await service.actor('USER', 'Uma User');
    const pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    const lead = (await service.actor('TECH_LEAD', 'Tom Lead')).token;
    operatorToken = operator.token;
    pmToken = pm;
    const spare = await api.issueToken(ADMIN_TOKEN, { actorEmail: operator.email, label: 'laptop' });
    revokedToken = spare.token;
    await api.revokeToken(ADMIN_TOKEN, { tokenId: spare.apiToken.id });
    await api.registerWebhook(ADMIN_TOKEN, { url: webhookUrl, events: ['loop.*', 'feedback.*'], secret: 'whsec-looptrace-copy-0123456789', description: 'chat bridge' });
    await api.createRelease(pm, { name: '2027.1', startsOn: '2026-10-01' });

    await api.submitFeedback(operator.token, {
      title: 'Upgrade compute and network without downtime',
      body: 'We run Newton and every upgrade takes the cloud down.',
      origin: 'OPERATOR',
      releaseInUse: 'Newton',
      projects: ['nova', 'neutron'],
      tags: ['#upgrades'],
      sourceUrl: 'https://etherpad.openstack.org/p/BOS-ops-upgrades',
    });
    await api.submitFeedback(user.token, { title: 'Maintenance mode for hypervisors', origin: 'USER', projects: ['nova'] });
    later(1);
    await api.submitFeedback(operator.token, { title: 'Drain a compute host before maintenance', body: 'Live-migrate everything off first.', origin: 'OPERATOR', tags: ['#maintenance'] });
    await api.submitFeedback(user.token, { title: 'Put hypervisors into maintenance', origin: 'USER', projects: ['nova'], organization: 'Example Cloud' });
    await api.voteFeedback(user.token, { key: 'FB-1' });
    await api.voteFeedback(operator.token, { key: 'FB-2' });
    for (const key of ['FB-1', 'FB-3', 'FB-4']) await api.triageFeedback(pm, { key, note: 'ops meetup' });

    later(2);
    await api.createTheme(pm, { title: 'Upgrades', kind: 'THEME', description: 'Fewer outages' });
    await api.createTheme(pm, { title: 'Rolling upgrades', kind: 'USER_STORY', parentKey: 'TH-1', targetRelease: 'Queens' });
    await api.createTheme(pm, { title: 'Maintenance mode', kind: 'GAP' });
    await api.createTheme(pm, { title: 'Compute maintenance', kind: 'EPIC', parentKey: 'TH-1' });
    // A parent created after its child: the copy must not depend on ids pointing backwards.
    await api.updateTheme(pm, { key: 'TH-3', parentKey: 'TH-4' });
    for (const [feedbackKey, themeKey] of [
      ['FB-1', 'TH-2'],
      ['FB-3', 'TH-3'],
      ['FB-4', 'TH-4'],
    ]) {
      await api.linkFeedbackToTheme(pm, { feedbackKey, themeKey, rationale: 'asked' });
    }

    later(3);
    await api.createBlueprint(lead, { project: 'nova', name: 'maintenance-mode', title: 'Put a compute host into maintenance', targetRelease: 'Pike', priority: 'HIGH' });
    await api.createBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', title: 'Rolling upgrades of the agents', targetRelease: 'Queens' });
    await api.createBlueprint(lead, { project: 'nova', name: 'cells-v3', title: 'Cells everywhere', targetRelease: '2027.1' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'maintenance-mode', themeKey: 'TH-3', rationale: 'answers the gap' });
    await api.linkBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', feedbackKey: 'FB-1' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'cells-v3', feedbackKey: 'FB-3' });
    await api.unlinkBlueprint(lead, { project: 'nova', name: 'cells-v3', feedbackKey: 'FB-3' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'cells-v3', themeKey: 'TH-4' });

    later(10);
    await api.updateBlueprint(lead, { project: 'nova', name: 'maintenance-mode', implementationStatus: 'STARTED', assignee: 'tom' });
    await api.updateBlueprint(lead, { project: 'neutron', name: 'rolling-upgrade', implementationStatus: 'STARTED' });
    later(30);
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'maintenance-mode', release: 'Pike', result: 'DELIVERED', notes: 'merged' });
    await api.recordReleaseOutcome(pm, { project: 'neutron', name: 'rolling-upgrade', release: 'Queens', result: 'PARTIAL' });
    later(20);
    await api.recordReleaseOutcome(pm, {
      project: 'neutron',
      name: 'rolling-upgrade',
      release: 'Queens',
      result: 'DELIVERED',
      releaseNoteUrl: 'https://docs.openstack.org/releasenotes/neutron/queens.html',
    });

    // The duplicate is the older request, merged into a later one.
    await api.mergeFeedback(pm, { duplicateKey: 'FB-2', survivorKey: 'FB-4', note: 'same ask' });
    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'Queens delivers it' });
    later(1);
    await api.verifyClosure(operator.token, { key: 'FB-1', verdict: 'CONFIRMED', note: 'works' });
    await api.closeLoop(pm, { key: 'FB-3', resolution: 'DELIVERED', note: 'Pike delivers it' });
    await api.verifyClosure(operator.token, { key: 'FB-3', verdict: 'DISPUTED', note: 'hosts still need draining by hand' });

    const inbox = await service.ok<{ viewer: { notifications: { nodes: Array<{ id: string }> } } }>(
      user.token,
      `{ viewer { notifications(first: 10) { nodes { id } } } }`,
    );
    const [first] = inbox.viewer.notifications.nodes;
    await service.ok(user.token, `mutation($ids: [ID!]!) { markNotificationsRead(input: { ids: $ids }) { unreadCount } }`, { ids: [first.id] });

    await waitFor('every webhook delivery to arrive', async () => {
      const { webhookDeliveries } = await service.ok<{ webhookDeliveries: { totalCount: number; nodes: Array<{ status: string }> } }>(
        ADMIN_TOKEN,
        `{ webhookDeliveries(first: 100) { totalCount nodes { status } } }`,
      );
      return webhookDeliveries.totalCount > 0 && webhookDeliveries.nodes.every((delivery) => delivery.status === 'DELIVERED');
    });
  }

  beforeAll(async () => {
    postgres = await createTestDatabase('postgres');
    if (postgres.database.engine !== 'postgres') throw new Error('a PostgreSQL database was asked for');
    postgresUrl = postgres.database.url;
    sqlite = await createTestDatabase('sqlite');
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const service = await startService({ database: sqlite.database });
    try {
      await populate(service, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`);
    } finally {
      await service.close();
    }
  });

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
    await sqlite?.drop();
    await postgres?.drop();
  });

  it('copies every table of the source, verified by count and checksum', async () => {
    const { code, text } = await runCopy(sqlite.path!, postgresUrl);
    expect(text).not.toContain('refused');
    expect(code).toBe(0);

    const report = reportRows(text);
    const source = dataTables(sqlite.path!);
    expect(report.map((row) => row.table).sort()).toEqual([...source.keys()].sort());
    for (const row of report) {
      expect({ table: row.table, rows: row.postgresRows, checksum: row.postgresChecksum, verdict: row.verdict }).toEqual({
        table: row.table,
        rows: source.get(row.table),
        checksum: row.sqliteChecksum,
        verdict: 'ok',
      });
      expect(row.sqliteRows).toBe(source.get(row.table));
    }
    // Every table the scenario can reach holds rows, so that each kind of value went through the copy; nothing here imports.
    expect(report.filter((row) => row.sqliteRows === 0).map((row) => row.table)).toEqual(['import_job', 'import_record']);
    expect(text).toMatch(/every table's count and checksum match/);
  });

  it('serves on PostgreSQL the same loops, history, tokens and search as on SQLite', async () => {
    const before = await startAt(sqlite);
    const after = await startAt(postgres);
    try {
      const loopsQuery = `{ loops(first: 100) { totalCount nodes { key stage } } }`;
      const loops = await before.ok<{ loops: { totalCount: number; nodes: Array<{ key: string; stage: string }> } }>(pmToken, loopsQuery);
      expect(loops.loops.totalCount).toBe(4);
      expect(await after.ok(pmToken, loopsQuery)).toEqual(loops);
      for (const { key } of loops.loops.nodes) {
        const trace = await before.ok<{ loop: { timeline: { totalCount: number } } }>(pmToken, TRACE, { key });
        expect(trace.loop.timeline.totalCount).toBeGreaterThan(0);
        expect(await after.ok(pmToken, TRACE, { key })).toEqual(trace);
      }

      const eventsQuery = `{ events(first: 100) { totalCount nodes { id type occurredAt recordKey actor { email } before after data } } }`;
      const events = await before.ok<{ events: { totalCount: number; nodes: Array<{ id: string }> } }>(ADMIN_TOKEN, eventsQuery);
      expect(events.events.totalCount).toBeGreaterThan(50);
      expect(await after.ok(ADMIN_TOKEN, eventsQuery)).toEqual(events);

      const viewer = `{ viewer { email role tokens { id label prefix createdAt revokedAt } } }`;
      expect(await after.ok(operatorToken, viewer)).toEqual(await before.ok(operatorToken, viewer));
      expect((await after.gql(revokedToken, viewer)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

      const deliveries = `{ webhookDeliveries(first: 100) { totalCount nodes { id status attempts deliveredAt event { id } attemptLog { attempt statusCode } } } }`;
      expect(await after.ok(ADMIN_TOKEN, deliveries)).toEqual(await before.ok(ADMIN_TOKEN, deliveries));

      for (const query of ['upgrade', 'maintenance', 'hypervisors', 'cells']) {
        const search = `query($query: String!) { search(query: $query, first: 50) { totalCount nodes { key kind } } }`;
        const keys = async (service: TestService) =>
          (await service.ok<{ search: { nodes: Array<{ key: string; kind: string }> } }>(pmToken, search, { query })).search.nodes.map((hit) => `${hit.kind} ${hit.key}`).sort();
        const found = await keys(before);
        expect(found.length).toBeGreaterThan(0);
        expect(await keys(after)).toEqual(found);
      }

      const newest = Math.max(...events.events.nodes.map((event) => Number(event.id)));
      const submitted = await after.api.submitFeedback(operatorToken, { title: 'Cells v3 for every region', origin: 'OPERATOR' });
      expect(submitted.key).toBe('FB-5');
      const theme = await after.api.createTheme(pmToken, { title: 'Scale', kind: 'THEME' });
      expect(theme.key).toBe('TH-5');
      const release = await after.ok<{ createRelease: { release: { id: string } } }>(pmToken, `mutation { createRelease(input: { name: "2027.2" }) { release { id } } }`);
      const releases = await before.ok<{ releases: { totalCount: number } }>(pmToken, `{ releases(first: 100) { totalCount } }`);
      expect(Number(release.createRelease.release.id)).toBe(releases.releases.totalCount + 1);
      const fresh = await after.ok<{ events: { nodes: Array<{ id: string }> } }>(ADMIN_TOKEN, `{ events(filter: { recordKey: "FB-5" }, first: 10) { nodes { id } } }`);
      expect(Math.min(...fresh.events.nodes.map((event) => Number(event.id)))).toBe(newest + 1);
    } finally {
      await before.close();
      await after.close();
    }
  });

  it('refuses a target that is in use, or a source this version has not migrated, and writes nothing', async () => {
    const stored = await rowCounts(postgresUrl);
    expect(stored.loop_event).toBeGreaterThan(0);

    const intoUsed = await runCopy(sqlite.path!, postgresUrl);
    expect(intoUsed.code).toBe(1);
    expect(intoUsed.text).toMatch(/^db copy refused: the target database is in use: .*\bactor\b.*\bloop_event\b.* hold rows/);
    expect(await rowCounts(postgresUrl)).toEqual(stored);

    const behind = `${sqlite.path}.behind`;
    copyFileSync(sqlite.path!, behind);
    const db = new Database(behind);
    db.prepare(`DELETE FROM migrations WHERE name = 'Search1764400000000'`).run();
    db.close();
    const unmigrated = await runCopy(behind, postgresUrl);
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.text).toMatch(/^db copy refused: .* lacks the migrations Search1764400000000/);
    expect(await rowCounts(postgresUrl)).toEqual(stored);
  });

  it('commits nothing when a value does not fit, and can then be run again into the same database', async () => {
    const target = await createTestDatabase('postgres');
    try {
      if (target.database.engine !== 'postgres') throw new Error('a PostgreSQL database was asked for');
      const broken = `${sqlite.path}.broken`;
      copyFileSync(sqlite.path!, broken);
      const db = new Database(broken);
      db.prepare(`UPDATE webhook SET active = 2`).run();
      db.close();
      await expect(copyDatabase(broken, target.database.url, () => undefined)).rejects.toThrow(/webhook\.active holds 2, which is not 0 or 1/);

      const left = await rowCounts(target.database.url);
      // What the migrations wrote is all that the failed copy left behind.
      expect(Object.keys(left).filter((table) => left[table] > 0)).toEqual(['migrations', 'release']);

      const again = await runCopy(sqlite.path!, target.database.url);
      expect(again.code).toBe(0);
      expect((await rowCounts(target.database.url)).loop_event).toBe(dataTables(sqlite.path!).get('loop_event'));
    } finally {
      await target.drop();
    }
  });
});
