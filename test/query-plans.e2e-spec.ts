import BetterSqlite3 from 'better-sqlite3';
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { parametersJson, SqlLogger } from '../src/database/sql-logger';
import { WRITER } from '../src/database/writer';
import { HealthTallyService } from '../src/loops/health/health-tally.service';
import { EventType } from '../src/history/event-catalogue';
import { testConfig } from './support/config';
import { portable } from './support/database';
import { explain, PlanSources, PlanVerdict } from './support/query-plans';
import { startService, TestService } from './support/service';

/*
 * Every list query shape is served by an index on both engines: each list,
 * with each filter alone, in each order, on its first page and on its tenth,
 * with and without its count (decisions/0012). The test fills a database
 * large enough for the planners to choose as they would in use, sends each
 * shape over HTTP as a product manager, and explains every statement the
 * request ran, with its parameters. A plan fails when it reads a table that
 * grows with use whole, or a whole index to filter it; when a page sorts
 * every matching row where an index could give the order; or when a page
 * after a cursor starts at the first row of the order (support/query-plans.ts).
 */

const ITEMS = 12_000;
const PEOPLE = 400;
const BLUEPRINTS_PER_PROJECT = 1500;
const PAGE = 50;
/** The tenth page starts after nine pages. */
const TENTH_PAGE_AFTER = 9 * PAGE;
const NOW = new Date('2026-01-05T09:00:00Z');
const START = new Date('2025-01-01T00:00:00Z');
const DAY_MS = 86_400_000;
const PROJECTS = ['nova', 'neutron', 'cinder', 'glance', 'keystone', 'swift', 'heat', 'octavia'];
const TAGS = ['scale', 'upgrade', 'ha', 'ipv6', 'quota', 'gpu', 'backup', 'audit', 'tls', 'dns', 'cells', 'numa', 'sriov', 'ovn', 'ceph', 'vgpu', 'rbac', 'ldap', 'metrics', 'logging', 'api', 'cli', 'ui', 'docs', 'packaging', 'containers', 'baremetal', 'edge', 'fips', 'arm'];
const STAGES: Array<[string, number]> = [
  ['REQUESTED', 0.3],
  ['TRIAGED', 0.45],
  ['THEMED', 0.58],
  ['PLANNED', 0.72],
  ['IN_DEVELOPMENT', 0.82],
  ['RELEASED', 0.9],
  ['CLOSED', 1],
];
const RECENT_RELEASES = ['2025.1', '2025.2', '2026.1'];
const PROLIFIC = 'prolific.submitter@example.org';
const ORDERS = ['CREATED_AT', 'LAST_EVENT_AT', 'STAGE_ENTERED_AT', 'VOTES'].flatMap((field) => ['ASC', 'DESC'].map((direction) => ({ field, direction })));

/** A number in [0, 1) that depends only on its arguments, so that the dataset is the same on every run. */
function unit(n: number, salt: number): number {
  let x = (n * 31 + salt * 1_000_003) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x ^= x >>> 16;
  return (x >>> 0) / 4_294_967_296;
}

const pick = <T>(values: readonly T[], n: number, salt: number): T => values[Math.floor(unit(n, salt) * values.length)];
const later = (time: Date, days: number) => new Date(Math.min(time.getTime() + days * DAY_MS, NOW.getTime() - 3_600_000));

type Value = string | number | Date | null;

/** Where the SQLite database is copied before its statistics are gathered: beside it, so that it goes with it. */
function unanalyzedCopy(service: TestService): string {
  const { database } = service;
  if (database.engine !== 'sqlite') throw new Error('only a SQLite database is copied');
  return join(dirname(database.path), 'unanalyzed.sqlite');
}

/** Fills the database behind the service's back, many rows a statement. */
class Dataset {
  constructor(private readonly service: TestService, private readonly engine: 'sqlite' | 'postgres') {}

  private value(value: Value): string | number | null {
    if (!(value instanceof Date)) return value;
    return this.engine === 'sqlite' ? value.toISOString().replace('T', ' ').replace('Z', '') : value.toISOString();
  }

  async insert(table: string, columns: string[], rows: Value[][]): Promise<void> {
    const perStatement = Math.floor(30_000 / columns.length);
    for (let start = 0; start < rows.length; start += perStatement) {
      const chunk = rows.slice(start, start + perStatement);
      const placeholders = chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      await this.service.sql(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders}`, chunk.flat().map((value) => this.value(value)));
    }
  }

  async fill(pmId: number): Promise<void> {
    const { service } = this;
    const releases = new Map(
      (await service.sql<{ id: number; name: string }>('SELECT id, name FROM release')).map((row) => [row.name, Number(row.id)]),
    );
    const recent = RECENT_RELEASES.map((name) => releases.get(name)!);

    // People: the submitters and voters.
    const people = Array.from({ length: PEOPLE }, (_, n) => 1000 + n);
    await this.insert(
      'actor',
      ['id', 'name', 'email', 'role', 'organization', 'created_at', 'updated_at'],
      people.map((id, n) => [id, `Person ${n}`, n === 0 ? PROLIFIC : `person.${n}@example.org`, n % 10 === 0 ? 'OPERATOR' : 'USER', `org-${n % 20}`, START, START]),
    );

    // Themes: 4 themes, each with 5 epics, each with 5 user stories, each with 4 gaps.
    const themes: Array<{ id: number; kind: string; parentId: number | null }> = [];
    const add = (kind: string, parentId: number | null) => {
      themes.push({ id: themes.length + 1, kind, parentId });
      return themes.length;
    };
    for (let t = 0; t < 4; t++) {
      const theme = add('THEME', null);
      for (let e = 0; e < 5; e++) {
        const epic = add('EPIC', theme);
        for (let s = 0; s < 5; s++) {
          const story = add('USER_STORY', epic);
          for (let g = 0; g < 4; g++) add('GAP', story);
        }
      }
    }
    await this.insert(
      'theme',
      ['id', 'title', 'description', 'kind', 'parent_id', 'status', 'owner_id', 'created_at', 'updated_at', 'version'],
      themes.map((theme) => [theme.id, `Theme ${theme.id}`, 'What the roadmap says', theme.kind, theme.parentId, 'ACCEPTED', pmId, START, START, 1]),
    );

    // Blueprints: many per project, as years of development leave them, most targeting a recent release, half of those with an outcome.
    const blueprints = Array.from({ length: BLUEPRINTS_PER_PROJECT * PROJECTS.length }, (_, n) => ({
      id: n + 1,
      project: PROJECTS[n % PROJECTS.length],
      targetReleaseId: unit(n, 1) < 0.8 ? pick(recent, n, 2) : null,
    }));
    await this.insert(
      'blueprint',
      ['id', 'project', 'name', 'title', 'definition_status', 'implementation_status', 'priority', 'target_release_id', 'created_at', 'updated_at', 'version'],
      blueprints.map((b) => [b.id, b.project, `work-${b.id}`, `Work ${b.id}`, 'APPROVED', unit(b.id, 3) < 0.5 ? 'STARTED' : 'NOT_STARTED', 'MEDIUM', b.targetReleaseId, START, START, 1]),
    );
    // One blueprint in five answers a theme of the lower levels; the others, requests directly.
    const leaves = themes.filter((theme) => theme.kind === 'USER_STORY' || theme.kind === 'GAP');
    await this.insert(
      'theme_blueprint_link',
      ['id', 'theme_id', 'blueprint_id', 'linked_by_id', 'linked_at'],
      blueprints.filter((b) => unit(b.id, 4) < 0.2).map((b, n) => [n + 1, pick(leaves, b.id, 5).id, b.id, pmId, START]),
    );
    const outcomes = blueprints.filter((b) => b.targetReleaseId !== null && b.id % 2 === 0);
    await this.insert(
      'release_outcome',
      ['id', 'blueprint_id', 'release_id', 'result', 'recorded_by_id', 'recorded_at', 'updated_at'],
      outcomes.map((b, n) => [n + 1, b.id, b.targetReleaseId, 'DELIVERED', pmId, START, START]),
    );

    // Requests, their facets, votes, links, answers, stays and history.
    const items: Value[][] = [];
    const projects: Value[][] = [];
    const tags: Value[][] = [];
    const votes: Value[][] = [];
    const themeLinks: Value[][] = [];
    const blueprintLinks: Value[][] = [];
    const answers: Value[][] = [];
    const stays: Value[][] = [];
    const events: Value[][] = [];
    const timelines: Value[][] = [];
    const records: Value[][] = [];
    const [{ last }] = await service.sql<{ last: number | null }>('SELECT MAX(id) AS last FROM loop_event');
    let eventId = Number(last ?? 0);
    const event = (type: string, recordType: string, recordKey: string, actorId: number | null, at: Date, loopId: number | null) => {
      eventId += 1;
      events.push([eventId, type, recordType, recordKey, actorId, at, null, null, null]);
      records.push([recordKey, eventId]);
      if (loopId) timelines.push([loopId, eventId]);
    };
    for (let id = 1; id <= ITEMS; id++) {
      const stageDraw = unit(id, 6);
      const stage = STAGES.find(([, upTo]) => stageDraw < upTo)![0];
      const created = new Date(START.getTime() + id * 30 * 60_000);
      const entered = stage === 'REQUESTED' ? created : later(created, unit(id, 7) * 90);
      const lastEvent = later(entered, unit(id, 8) * 60);
      const voteDraw = unit(id, 9);
      const voteCount = voteDraw < 0.55 ? 0 : voteDraw < 0.85 ? 1 + Math.floor(unit(id, 10) * 5) : 6 + Math.floor(unit(id, 10) * 150);
      const submitterId = unit(id, 2) < 0.07 ? people[0] : pick(people, id, 3);
      const delivered = stage === 'RELEASED' || (stage === 'CLOSED' && unit(id, 11) < 0.5);
      const closed = stage === 'CLOSED';
      const projectIndex = Math.floor(unit(id, 12) * PROJECTS.length);
      items.push([
        id,
        `Request ${id} about ${pick(TAGS, id, 16)}`,
        'What hurts, and what would help.',
        unit(id, 1) < 0.3 ? 'OPERATOR' : 'USER',
        submitterId,
        unit(id, 4) < 0.1 ? null : `org-${Math.floor(unit(id, 5) * 20)}`,
        voteCount,
        stage === 'REQUESTED' ? null : later(created, 1),
        stage === 'REQUESTED' ? null : pmId,
        stage,
        entered,
        delivered ? pick(recent, id, 13) : null,
        lastEvent,
        closed ? (delivered ? 'DELIVERED' : 'DECLINED') : null,
        closed ? 'Done.' : null,
        closed ? lastEvent : null,
        closed ? pmId : null,
        created,
        lastEvent,
        1,
      ]);
      projects.push([id, PROJECTS[projectIndex]]);
      if (unit(id, 14) < 0.2) projects.push([id, PROJECTS[(projectIndex + 1 + Math.floor(unit(id, 15) * 7)) % PROJECTS.length]]);
      const tag = unit(id, 17) < 0.15 ? TAGS[0] : TAGS[1 + Math.floor(unit(id, 18) * (TAGS.length - 1))];
      tags.push([id, tag]);
      if (unit(id, 19) < 0.3 && tag !== TAGS[1]) tags.push([id, TAGS[1]]);
      for (let k = 0; k < Math.min(voteCount, 3); k++) votes.push([votes.length + 1, id, people[(id * 7 + k * 13 + 1) % PEOPLE], lastEvent]);

      event(EventType.FEEDBACK_SUBMITTED, 'feedback', `FB-${id}`, submitterId, created, id);
      if (stage !== 'REQUESTED') event(EventType.LOOP_TRIAGED, 'feedback', `FB-${id}`, pmId, later(created, 1), id);
      const stageIndex = STAGES.findIndex(([name]) => name === stage);
      if (stageIndex >= 2) {
        // Most requests are linked to a user story or a gap, some to an epic, few to a whole theme.
        const level = unit(id, 27);
        const themeId = pick(themes.filter((theme) => theme.kind === (level < 0.01 ? 'THEME' : level < 0.12 ? 'EPIC' : level < 0.5 ? 'USER_STORY' : 'GAP')), id, 20).id;
        themeLinks.push([themeLinks.length + 1, id, themeId, pmId, later(created, 2), null, null]);
        event(EventType.LINK_CREATED, 'link', `FB-${id}`, pmId, later(created, 2), id);
        if (unit(id, 21) < 0.1) themeLinks.push([themeLinks.length + 1, id, pick(leaves, id, 22).id, pmId, later(created, 2), pmId, later(created, 3)]);
      }
      if (stageIndex >= 3) {
        const answering = blueprints[projectIndex + PROJECTS.length * Math.floor(unit(id, 23) * BLUEPRINTS_PER_PROJECT)];
        answers.push([id, answering.id]);
        if (unit(id, 24) < 0.2) blueprintLinks.push([blueprintLinks.length + 1, id, answering.id, pmId, later(created, 3)]);
        const second = pick(blueprints, id, 25);
        if (unit(id, 26) < 0.3 && second.id !== answering.id) answers.push([id, second.id]);
      }
      if (stage !== 'REQUESTED') {
        event(EventType.LOOP_STAGE_CHANGED, 'feedback', `FB-${id}`, null, entered, id);
        stays.push([stays.length + 1, id, 'REQUESTED', created, entered, Math.round((entered.getTime() - created.getTime()) / 1000)]);
      }
      stays.push([stays.length + 1, id, stage, entered, null, null]);
    }
    // One request many have voted for: its timeline and its record fill many pages.
    for (let n = 0; n < 600; n++) event(EventType.FEEDBACK_VOTED, 'feedback', 'FB-1', people[n % PEOPLE], later(START, n / 10), 1);
    // Events that only admins see.
    people.forEach((_id, n) => event(EventType.ACTOR_CREATED, 'actor', `person.${n}@example.org`, null, START, null));

    await this.insert(
      'feedback_item',
      [
        'id', 'title', 'body', 'origin', 'submitter_id', 'organization', 'vote_count', 'triaged_at', 'triaged_by_id', 'stage', 'stage_entered_at',
        'completed_in_release_id', 'last_event_at', 'resolution', 'resolution_note', 'closed_at', 'closed_by_id', 'created_at', 'updated_at', 'version',
      ],
      items,
    );
    await this.insert('feedback_project', ['feedback_id', 'project'], projects);
    await this.insert('feedback_tag', ['feedback_id', 'tag'], tags);
    await this.insert('feedback_vote', ['id', 'feedback_id', 'actor_id', 'created_at'], votes);
    await this.insert('feedback_theme_link', ['id', 'feedback_id', 'theme_id', 'linked_by_id', 'linked_at', 'removed_by_id', 'removed_at'], themeLinks);
    await this.insert('feedback_blueprint_link', ['id', 'feedback_id', 'blueprint_id', 'linked_by_id', 'linked_at'], blueprintLinks);
    await this.insert('loop_blueprint', ['feedback_id', 'blueprint_id'], answers);
    await this.insert('loop_stage_stay', ['id', 'feedback_id', 'stage', 'entered_at', 'left_at', 'seconds'], stays);
    await this.insert('loop_event', ['id', 'type', 'record_type', 'record_key', 'actor_id', 'occurred_at', 'before', 'after', 'data'], events);
    await this.insert('loop_event_loop', ['feedback_id', 'event_id'], timelines);
    await this.insert('loop_event_record', ['record_key', 'event_id'], records);

    // The search index, as the search migration fills it from what exists.
    const sqlite = this.engine === 'sqlite';
    const tagsOf = sqlite ? `group_concat(ft.tag, ' ')` : `string_agg(ft.tag, ' ')`;
    await service.sql(
      `INSERT INTO search_document (${sqlite ? 'rowid, ' : ''}kind, record_id, title, body, tags)
       SELECT ${sqlite ? 'f.id * 4, ' : ''}'feedback', f.id, f.title, f.body, COALESCE((SELECT ${tagsOf} FROM feedback_tag ft WHERE ft.feedback_id = f.id), '') FROM feedback_item f`,
    );

    // The health tally and the listings, counted from what was written, as the service counts a database written without them at start-up.
    await service.app.get(HealthTallyService).rebuild();

    if (!sqlite) {
      for (const table of ['actor', 'theme', 'blueprint', 'theme_blueprint_link', 'release_outcome', 'feedback_item', 'feedback_vote', 'feedback_theme_link', 'feedback_blueprint_link', 'loop_stage_stay', 'loop_event']) {
        await service.sql(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`);
      }
    }
    if (sqlite) {
      // The copy without statistics, in which SQLite reads a table whole only where no index serves (see support/query-plans.ts).
      await service.sql(`VACUUM INTO ?`, [unanalyzedCopy(service)]);
    }
    await service.sql('ANALYZE');
  }
}

interface Page {
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: unknown[];
}

/** One list query shape: the list, its filter and its order. */
interface Shape {
  name: string;
  /** The operation for a page after the cursor, with what it selects of each node; totalCount when counted. */
  operation: (selection: string, counted: boolean) => string;
  /** The list's field in the answer. */
  field: string;
  variables: Record<string, unknown>;
}

describe('query plans of the lists', () => {
  let service: TestService;
  let pm: string;
  let sources: PlanSources;

  beforeAll(async () => {
    // Every statement of the process is recorded while a request runs, so the webhook worker's polling must not run alongside.
    service = await startService({ webhooks: { ...testConfig({ engine: 'sqlite', path: ':memory:' }).webhooks, pollMs: 0 } });
    const engine = service.database.engine;
    const { token, email } = await service.actor('PRODUCT_MANAGER', 'Pat');
    pm = token;
    const [{ id }] = await service.sql<{ id: number }>('SELECT id FROM actor WHERE email = ?', [email]);
    await new Dataset(service, engine).fill(Number(id));
    sources = { engine, dataSource: service.app.get<DataSource>(WRITER) };
    if (engine === 'sqlite') sources.unanalyzed = new BetterSqlite3(unanalyzedCopy(service), { readonly: true });
  }, 240_000);

  afterAll(async () => {
    sources?.unanalyzed?.close();
    await service?.close();
  });

  /** Sends the operation as the product manager, and explains every statement it ran. */
  async function plansOf(operation: string, variables: Record<string, unknown>, field: string): Promise<{ page: Page; verdicts: PlanVerdict[] }> {
    const recording = service.app.get(SqlLogger).record();
    let data: Record<string, Page>;
    try {
      data = await service.ok<Record<string, Page>>(pm, operation, variables);
    } finally {
      recording.stop();
    }
    return { page: data[field], verdicts: await explain(sources, recording.statements, Boolean(variables.after)) };
  }

  /** The cursor after the first n rows of the shape, read a page of 100 (the most a page holds) at a time. */
  async function cursorAfter(shape: Shape, rows: number): Promise<string> {
    let after: string | null = null;
    for (let read = 0; read < rows; ) {
      const first = Math.min(100, rows - read);
      const data: Record<string, Page> = await service.ok<Record<string, Page>>(pm, shape.operation('__typename', false), { ...shape.variables, first, after });
      const page: Page = data[shape.field];
      if (!page.pageInfo.hasNextPage) throw new Error(`${shape.name} has fewer than ${rows + PAGE} rows: the dataset is too small for its tenth page`);
      after = page.pageInfo.endCursor;
      read += first;
    }
    return after!;
  }

  /** The problems of every plan of the shape: first and tenth page, with and without totalCount. */
  async function problemsOf(shape: Shape, selection: string): Promise<string[]> {
    const tenth = await cursorAfter(shape, TENTH_PAGE_AFTER);
    const problems: string[] = [];
    for (const [pageName, after] of [
      ['first page', null],
      ['tenth page', tenth],
    ] as const) {
      for (const counted of [false, true]) {
        const name = `${shape.name}, ${pageName}, ${counted ? 'with' : 'without'} totalCount`;
        const { page, verdicts } = await plansOf(shape.operation(selection, counted), { ...shape.variables, first: PAGE, after }, shape.field);
        // To read every plan, not only those that fail: QUERY_PLANS_OUT=plans.txt npx jest test/query-plans.e2e-spec.ts
        if (process.env.QUERY_PLANS_OUT) {
          appendFileSync(process.env.QUERY_PLANS_OUT, verdicts.map((v) => `${name}\n${v.statement.query}\n${parametersJson(v.statement.parameters)}\n${v.plan}\n\n`).join(''));
        }
        expect({ shape: name, rows: page.nodes.length }).toEqual({ shape: name, rows: PAGE });
        for (const verdict of verdicts.filter((v) => v.problems.length)) {
          problems.push(
            [
              `${name}:`,
              `  statement: ${verdict.statement.query}`,
              `  parameters: ${parametersJson(verdict.statement.parameters)}`,
              `  plan:\n${verdict.plan}`,
              ...verdict.problems.map((problem) => `  ${problem}`),
            ].join('\n'),
          );
        }
      }
    }
    return problems;
  }

  it('finds what it looks for: a whole-table read, a sort an index could spare, a page that starts before its cursor', async () => {
    const problemsOf = async (query: string, parameters: unknown[], afterCursor: boolean) =>
      (await explain(sources, [{ query: portable(query, sources.engine), parameters }], afterCursor)).flatMap((verdict) => verdict.problems);
    // No index holds titles.
    expect(await problemsOf('SELECT f.id FROM feedback_item f WHERE f.title = ?', ['Request 7 about ha'], false)).toEqual([
      expect.stringMatching(/^reads every row of feedback_item/),
    ]);
    // No index holds origin then title: the requests of an origin are sorted by title.
    expect(await problemsOf('SELECT f.id FROM feedback_item f WHERE f.origin = ? ORDER BY f.title, f.id LIMIT 51', ['OPERATOR'], false)).toContainEqual(
      expect.stringMatching(/^sorts every matching row to return a page, where an index could give the order/),
    );
    // The cursor as it was written before 0012: no engine searches an index by it.
    const expanded = 'SELECT f.id FROM feedback_item f WHERE (f.created_at > ?) OR (f.created_at = ? AND f.id > ?) ORDER BY f.created_at, f.id LIMIT 51';
    expect(await problemsOf(expanded, ['2025-06-01 00:00:00.000', '2025-06-01 00:00:00.000', 5000], true)).toContainEqual(
      expect.stringMatching(/^(starts at the first row of the order, not at the cursor|sorts every matching row to return a page)/),
    );
    // The same page from a row comparison: found from the cursor on.
    const compared = 'SELECT f.id FROM feedback_item f WHERE (f.created_at, f.id) > (?, ?) ORDER BY f.created_at, f.id LIMIT 51';
    expect(await problemsOf(compared, ['2025-06-01 00:00:00.000', 5000], true)).toEqual([]);
  });

  const connection = (field: string, args: string, variables: string) => (selection: string, counted: boolean) =>
    `query($first: Int, $after: String${variables}) { ${field}(first: $first, after: $after${args}) { ${counted ? 'totalCount ' : ''}pageInfo { hasNextPage endCursor } nodes { ${selection} } } }`;

  const LOOP_NODE = 'key stage waitingOn stalledSince lastEventAt feedback { title voteCount createdAt submitter { name } projects tags }';
  const loopFilters: Array<[string, Record<string, unknown> | null]> = [
    ['no filter', null],
    ['origin', { origin: 'OPERATOR' }],
    ['project', { project: 'nova' }],
    ['release', { release: '2025.2' }],
    ['stage', { stage: 'PLANNED' }],
    ['stalledForDays', { stalledForDays: 30 }],
    ['submitterEmail', { submitterEmail: PROLIFIC }],
    ['tag', { tag: 'scale' }],
    ['themeKey', { themeKey: 'TH-1' }],
  ];
  it.each(loopFilters)('loops with %s: every order, first and tenth page, with and without totalCount', async (_name, filter) => {
    const problems: string[] = [];
    for (const orderBy of ORDERS) {
      const shape: Shape = {
        name: `loops(filter: ${JSON.stringify(filter)}, orderBy: ${orderBy.field} ${orderBy.direction})`,
        operation: connection('loops', ', filter: $filter, orderBy: $orderBy', ', $filter: LoopFilter, $orderBy: LoopOrder'),
        field: 'loops',
        variables: { filter, orderBy },
      };
      problems.push(...(await problemsOf(shape, LOOP_NODE)));
    }
    expect(problems).toEqual([]);
  }, 300_000);

  const FEEDBACK_NODE = 'key title voteCount stage createdAt submitter { name } projects tags';
  const feedbackFilters: Array<[string, Record<string, unknown> | null]> = [
    ['no filter', null],
    ['organization', { organization: 'org-3' }],
    ['origin', { origin: 'OPERATOR' }],
    ['project', { project: 'nova' }],
    ['stage', { stage: 'PLANNED' }],
    ['submitterEmail', { submitterEmail: PROLIFIC }],
    ['tag', { tag: 'scale' }],
  ];
  it.each(feedbackFilters)('feedbackItems with %s: every order, first and tenth page, with and without totalCount', async (_name, filter) => {
    const problems: string[] = [];
    for (const orderBy of ORDERS) {
      const shape: Shape = {
        name: `feedbackItems(filter: ${JSON.stringify(filter)}, orderBy: ${orderBy.field} ${orderBy.direction})`,
        operation: connection('feedbackItems', ', filter: $filter, orderBy: $orderBy', ', $filter: FeedbackFilter, $orderBy: FeedbackOrder'),
        field: 'feedbackItems',
        variables: { filter, orderBy },
      };
      problems.push(...(await problemsOf(shape, FEEDBACK_NODE)));
    }
    expect(problems).toEqual([]);
  }, 300_000);

  const eventFilters: Array<[string, Record<string, unknown> | null]> = [
    ['no filter', null],
    ['loopKey', { loopKey: 'FB-1' }],
    ['recordKey', { recordKey: 'FB-1' }],
    ['actorEmail', { actorEmail: PROLIFIC }],
    ['types', { types: [EventType.LOOP_STAGE_CHANGED] }],
    ['since', { since: '2025-06-01T00:00:00Z' }],
    ['until', { until: '2025-06-01T00:00:00Z' }],
  ];
  it.each(eventFilters)('events with %s: first and tenth page, with and without totalCount', async (_name, filter) => {
    const shape: Shape = {
      name: `events(filter: ${JSON.stringify(filter)})`,
      operation: connection('events', ', filter: $filter', ', $filter: EventFilter'),
      field: 'events',
      variables: { filter },
    };
    expect(await problemsOf(shape, 'id type recordKey occurredAt actor { name } recordKeys loopKeys')).toEqual([]);
  }, 120_000);

  it('search: first and tenth page, with and without totalCount', async () => {
    const shape: Shape = {
      name: 'search(query: "request")',
      operation: connection('search', ', query: $query', ', $query: String!'),
      field: 'search',
      variables: { query: 'request' },
    };
    expect(await problemsOf(shape, 'kind key title snippet feedback { key stage }')).toEqual([]);
  }, 120_000);
});
