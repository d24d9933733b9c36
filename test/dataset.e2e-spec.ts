import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Actor } from '../src/actors/actor.entity';
import { Release } from '../src/releases/release.entity';
import { DatasetModel, NO_ROWS } from '../src/cli/dataset/bulk-writer';
import { generateDataset } from '../src/cli/dataset/generate';
import { ADMIN, planDataset, PlannedOperation } from '../src/cli/dataset/plan';
import { stagesCheck } from '../src/cli/commands';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { GraphQLOperations } from './support/operations';
import { startService, TestService } from './support/service';

/**
 * The bulk path of `dataset generate` stores what the services store: a
 * small plan written by the generator equals, table by table, the same plan
 * replayed through the API, and passes `stages check`.
 */
jest.setTimeout(600_000);

const PLAN = { loops: 240, seed: 11 };

/** Sends one planned operation through the API as its actor. */
async function send(api: GraphQLOperations, token: string, operation: PlannedOperation, tokens: Map<string, string>): Promise<void> {
  switch (operation.op) {
    case 'createActor':
      await api.createActor(token, operation.input);
      return;
    case 'issueToken':
      tokens.set(operation.input.actorEmail, (await api.issueToken(token, operation.input)).token);
      return;
    case 'createTheme':
      await api.createTheme(token, operation.input);
      return;
    case 'createBlueprint':
      await api.createBlueprint(token, operation.input);
      return;
    case 'linkBlueprint':
      await api.linkBlueprint(token, operation.input);
      return;
    case 'updateBlueprint':
      await api.updateBlueprint(token, operation.input);
      return;
    case 'recordReleaseOutcome':
      await api.recordReleaseOutcome(token, operation.input);
      return;
    case 'submitFeedback':
      await api.submitFeedback(token, operation.input);
      return;
    case 'voteFeedback':
      await api.voteFeedback(token, operation.input);
      return;
    case 'triageFeedback':
      await api.triageFeedback(token, operation.input);
      return;
    case 'linkFeedbackToTheme':
      await api.linkFeedbackToTheme(token, operation.input);
      return;
    case 'closeLoop':
      await api.closeLoop(token, operation.input);
      return;
    case 'verifyClosure':
      await api.verifyClosure(token, operation.input);
      return;
  }
}

type Rows = Record<string, unknown>[];

/** Every table of a SQLite file as rows in key order, with what may differ between two runs masked (see the comments). */
function tablesOf(path: string): Map<string, Rows> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_document_%' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    const result = new Map<string, Rows>();
    for (const table of tables) {
      const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string; pk: number }>);
      const key = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk).map((column) => `"${column.name}"`);
      const order = key.length ? key.join(', ') : columns.map((column) => `"${column.name}"`).join(', ');
      // The full-text index keeps its documents under the rowid it is given; its other tables are its own internals.
      const select = table === 'search_document' ? 'SELECT rowid, * FROM search_document ORDER BY rowid' : `SELECT * FROM "${table}" ORDER BY ${order}`;
      let rows = db.prepare(select).all() as Rows;
      // Token secrets are random, and the replay uses its tokens.
      if (table === 'api_token') rows = rows.map((row) => ({ ...row, token_hash: '(secret)', prefix: '(secret)', last_used_at: null }));
      if (table === 'loop_event') {
        rows = rows.map((row) => (row.type === 'token.issued' ? { ...row, after: JSON.stringify({ ...JSON.parse(row.after as string), prefix: '(secret)' }) } : row));
      }
      // A counter of the health tally that went back to zero counts nothing, as one never made (HealthTallyService.counters).
      if (table === 'loop_health_tally') rows = rows.filter((row) => row.count !== 0);
      result.set(table, rows);
    }
    return result;
  } finally {
    db.close();
  }
}

/** The release calendar (the first migration) and the admin the service starts with are made when each database is: their rows carry that time. */
function startUpTimesMasked(tables: Map<string, Rows>): Map<string, Rows> {
  const startUp = (row: Record<string, unknown>) => ({ ...row, created_at: '(start-up)', updated_at: '(start-up)' });
  tables.set('release', tables.get('release')!.map(startUp));
  tables.set('actor', tables.get('actor')!.map((row) => (row.role === 'ADMIN' ? startUp(row) : row)));
  tables.set('api_token', tables.get('api_token')!.map((row) => (row.label === 'ADMIN_TOKEN' ? { ...row, created_at: '(start-up)' } : row)));
  tables.set('loop_event', tables.get('loop_event')!.map((row) => (row.actor_id === null ? { ...row, occurred_at: '(start-up)' } : row)));
  return tables;
}

describe('dataset generate', () => {
  let folder: string;
  let service: TestService | undefined;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'looptrace-dataset-'));
  });

  afterAll(async () => {
    await service?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('writes, table by table, what replaying its plan through the API stores, and its stages check', async () => {
    const generated = join(folder, 'generated.sqlite');
    const config = { ...testConfig({ engine: 'sqlite', path: generated }), adminToken: ADMIN_TOKEN };
    const report = await generateDataset(config, { ...PLAN, to: generated }, () => undefined);
    expect(report.operations).toBeGreaterThan(PLAN.loops * 4);

    const replayed = join(folder, 'replayed.sqlite');
    service = await startService({ database: { engine: 'sqlite', path: replayed } });
    const calendar = new Database(generated, { readonly: true });
    const releases = calendar.prepare('SELECT id, name, sequence FROM release').all() as Release[];
    calendar.close();
    const follower = new DatasetModel(NO_ROWS, Object.assign(new Actor(), { id: 1, email: '(admin)', organization: null }), { actor: 2, token: 2, event: 3, notification: 1 }, releases);
    const tokens = new Map<string, string>();
    const seen = new Set<string>();
    for (const operation of planDataset(PLAN, follower)) {
      follower.apply(operation);
      seen.add(operation.op);
      service.clock.set(operation.at);
      const token = operation.by === ADMIN ? ADMIN_TOKEN : tokens.get(operation.by)!;
      await send(service.api, token, operation, tokens);
    }
    await service.close();
    service = undefined;
    // The plan makes every kind of operation the bulk path knows.
    expect([...seen].sort()).toEqual(
      ['closeLoop', 'createActor', 'createBlueprint', 'createTheme', 'issueToken', 'linkBlueprint', 'linkFeedbackToTheme', 'recordReleaseOutcome', 'submitFeedback', 'triageFeedback', 'updateBlueprint', 'verifyClosure', 'voteFeedback'],
    );

    const expected = startUpTimesMasked(tablesOf(replayed));
    const actual = startUpTimesMasked(tablesOf(generated));
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [table, rows] of expected) {
      expect({ table, rows: actual.get(table)!.length }).toEqual({ table, rows: rows.length });
      actual.get(table)!.forEach((row, index) => expect({ table, row }).toEqual({ table, row: rows[index] }));
    }
    // A history that takes loops through every stage, not an empty shell.
    const stages = new Set(expected.get('loop_stage_stay')!.map((row) => row.stage));
    expect([...stages].sort()).toEqual(['CLOSED', 'IN_DEVELOPMENT', 'PLANNED', 'RELEASED', 'REQUESTED', 'THEMED', 'TRIAGED']);

    const out: string[] = [];
    expect(await stagesCheck(config, (text) => out.push(text), { write: () => true, isTTY: false } as never)).toBe(0);
    expect(out.join('')).toContain('Every stored stage matches its facts.');
  });
});
