import { Client, createClient } from 'graphql-ws';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { ActorsService } from '../src/actors/actors.service';
import { TransactionRunner } from '../src/common/transactions';
import { FeedbackService } from '../src/feedback/feedback.service';
import { LiveEvents } from '../src/history/live-events';
import { HealthTallyService } from '../src/loops/health/health-tally.service';
import { LoopsService } from '../src/loops/loops.service';
import { StallWatch } from '../src/loops/stall-watch';
import { createTestDatabase, TestDatabase } from './support/database';
import { ADMIN_TOKEN } from './support/config';
import { GraphQLResponse, startService, TestService } from './support/service';
import { openSocket, watchEvents } from './support/sockets';
import { waitFor } from './support/wait';

/**
 * Several stateless instances on one PostgreSQL database: one truth. This
 * runs on PostgreSQL whatever the engine of the run, and fails if it cannot
 * reach it.
 */
describe('two instances on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: TestService;
  let b: TestService;
  let pm: string;
  let lead: string;
  let operator: string;
  let operatorEmail: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    a = await startService({ database: database.database });
    b = await startService({ database: database.database });
    pm = (await a.actor('PRODUCT_MANAGER', 'Pat')).token;
    lead = (await b.actor('TECH_LEAD', 'Tom')).token;
    ({ token: operator, email: operatorEmail } = await a.actor('OPERATOR', 'Olga'));
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await a.close();
    await b.close();
    await database.drop();
  });

  it('reads through one instance what was written through the other', async () => {
    await a.api.submitFeedback(operator, { title: 'Cells in every region', origin: 'OPERATOR' });
    expect(await b.ok(operator, `{ feedback(key: "FB-1") { title submitter { name } } }`)).toEqual({
      feedback: { title: 'Cells in every region', submitter: { name: 'Olga' } },
    });
  });

  it('delivers to a subscriber on one instance the events caused on the other', async () => {
    const received: string[] = [];
    const live = b.app.get(LiveEvents);
    const before = live.subscribers;
    const client = createClient({ url: b.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${pm}` } });
    clients.push(client);
    client.subscribe(
      // Only what this test causes: the relay may still be bringing the request submitted before it.
      { query: `subscription { loopEvents(filter: { loopKey: "FB-1", types: ["loop.*", "link.*"] }) { type after } }` },
      { next: (result) => received.push((result.data as { loopEvents: { type: string } }).loopEvents.type), error: () => undefined, complete: () => undefined },
    );
    await waitFor('the subscription', () => live.subscribers > before);
    await a.api.triageFeedback(pm, { key: 'FB-1' });
    await a.api.createTheme(pm, { title: 'Scale', kind: 'THEME' });
    await a.api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1' });
    await waitFor('the events from the other instance', () => received.length >= 4);
    expect(received).toEqual(['loop.triaged', 'loop.stage_changed', 'link.created', 'loop.stage_changed']);
  });

  it('closes on one instance the open socket of a token revoked through the other', async () => {
    const issued = await a.api.issueToken(ADMIN_TOKEN, { actorEmail: operatorEmail, label: 'watcher' });
    const socket = openSocket(b, issued.token);
    clients.push(socket.client);
    await watchEvents(b, socket);
    await a.api.revokeToken(ADMIN_TOKEN, { tokenId: issued.apiToken.id });
    await waitFor('the socket on the other instance to close', () => socket.closedWith !== null);
    expect(socket.closedWith).toBe(4403);
  });

  it('makes each webhook delivery once, however many instances run their workers', async () => {
    const bodies: string[] = [];
    const receiver: Server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        bodies.push(String(request.headers['x-looptrace-delivery']));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await a.api.registerWebhook(ADMIN_TOKEN, { url, events: ['feedback.submitted'], secret: 'a-secret-of-sixteen+' });
      for (let index = 0; index < 20; index++) {
        const instance = index % 2 ? a : b;
        await instance.api.submitFeedback(operator, { title: `Request ${index}`, origin: 'OPERATOR' });
      }
      await waitFor('twenty deliveries', async () => {
        const delivered = await a.sql<{ n: string }>(`SELECT COUNT(*) AS n FROM webhook_delivery WHERE status = 'DELIVERED'`);
        return Number(delivered[0].n) === 20;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(bodies).toHaveLength(20);
      expect(new Set(bodies).size).toBe(20);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('keeps every stored stage equal to its facts under concurrent writes to the same loops through both instances', async () => {
    const loopKeys = ['FB-2', 'FB-3', 'FB-4'];
    await a.api.createTheme(pm, { title: 'Upgrades', kind: 'USER_STORY' });
    await a.api.createTheme(pm, { title: 'Schema', kind: 'GAP', parentKey: 'TH-2' });
    for (const key of loopKeys) await a.api.linkFeedbackToTheme(pm, { feedbackKey: key, themeKey: 'TH-2' });
    for (const name of ['one', 'two', 'three', 'four']) await b.api.createBlueprint(lead, { project: 'nova', name, title: 'Work' });
    const writes: Array<Promise<GraphQLResponse>> = [];
    for (const [index, name] of ['one', 'two', 'three', 'four'].entries()) {
      const through = index % 2 ? a : b;
      const other = index % 2 ? b : a;
      writes.push(through.gql(lead, `mutation($n: String!) { linkBlueprint(input: { project: "nova", name: $n, themeKey: "TH-3" }) { blueprint { key } } }`, { n: name }));
      writes.push(other.gql(lead, `mutation($n: String!) { updateBlueprint(input: { project: "nova", name: $n, implementationStatus: STARTED }) { blueprint { key } } }`, { n: name }));
      writes.push(through.gql(pm, `mutation($n: String!) { recordReleaseOutcome(input: { project: "nova", name: $n, release: "Pike", result: DELIVERED }) { outcome { id } } }`, { n: name }));
      writes.push(other.gql(lead, `mutation($n: String!, $k: String!) { linkBlueprint(input: { project: "nova", name: $n, feedbackKey: $k }) { blueprint { key } } }`, { n: name, k: loopKeys[index % 3] }));
    }
    const results = await Promise.all(writes);
    expect(results.filter((result) => result.errors)).toEqual([]);
    expect(await a.app.get(LoopsService).findStageMismatches()).toEqual([]);
    expect(await b.app.get(HealthTallyService).findMismatches()).toEqual([]);
    const stages = await b.ok<{ loops: { nodes: Array<{ key: string; stage: string }> } }>(pm, `{ loops(filter: { themeKey: "TH-2" }) { nodes { key stage } } }`);
    expect(stages.loops.nodes.map((loop) => loop.stage)).toEqual(['RELEASED', 'RELEASED', 'RELEASED']);
  });

  it('keeps the stages of loops linked to the themes of a blueprint whose status changes at the same moment through the other instance', async () => {
    const themes: string[] = [];
    for (let index = 0; index < 4; index++) themes.push((await a.api.createTheme(pm, { title: `Racing ${index}`, kind: 'THEME' })).key);
    await b.api.createBlueprint(lead, { project: 'nova', name: 'racer', title: 'Raced work' });
    for (const themeKey of themes) await b.api.linkBlueprint(lead, { project: 'nova', name: 'racer', themeKey });
    // Each round links new requests to the themes while the blueprint starts or stops: every link reads the status the other write is changing.
    for (const [round, status] of (['STARTED', 'NOT_STARTED', 'GOOD_PROGRESS', 'BLOCKED', 'STARTED', 'DEFERRED'] as const).entries()) {
      const requests: string[] = [];
      for (let index = 0; index < 8; index++) requests.push((await b.api.submitFeedback(operator, { title: `Race ${round}.${index}`, origin: 'OPERATOR' })).key);
      await Promise.all([
        ...requests.map((feedbackKey, index) => (index % 2 ? a : b).api.linkFeedbackToTheme(pm, { feedbackKey, themeKey: themes[index % themes.length] })),
        b.api.updateBlueprint(lead, { project: 'nova', name: 'racer', implementationStatus: status }),
      ]);
      const found = { stages: await a.app.get(LoopsService).findStageMismatches(), tally: await a.app.get(HealthTallyService).findMismatches() };
      expect({ round, ...found }).toEqual({ round, stages: [], tally: [] });
    }
  });

  it('runs again, whole, a write that lost a deadlock to a write of the other instance, and tells of it once', async () => {
    const [first, second] = [
      await b.api.submitFeedback(operator, { title: 'Locked first here', origin: 'OPERATOR' }),
      await b.api.submitFeedback(operator, { title: 'Locked first there', origin: 'OPERATOR' }),
    ];
    const voter = await a.app.get(ActorsService).byEmail((await a.actor('USER', 'Vera')).email);
    const attempts = { a: 0, b: 0 };
    const committed: string[] = [];
    const told: string[] = [];
    for (const [name, instance] of [['a', a], ['b', b]] as const) {
      instance.app.get(LiveEvents).onPublished(({ event }) => event.type === 'feedback.voted' && told.push(`${name} ${event.recordKey}`));
    }
    // Each votes for its request, which locks it, then locks the other's: once both hold their own, one waits for the other in a circle.
    let arrived = 0;
    let bothHold!: () => void;
    const holding = new Promise<void>((resolve) => (bothHold = resolve));
    const race = (name: 'a' | 'b', instance: TestService, own: string, other: string) => {
      const tx = instance.app.get(TransactionRunner);
      return tx.run(async () => {
        attempts[name] += 1;
        await instance.app.get(FeedbackService).vote(voter, own);
        tx.afterCommit(() => committed.push(name));
        if (attempts[name] === 1) {
          if (++arrived === 2) bothHold();
          await holding;
        }
        await tx.manager.query('SELECT id FROM feedback_item WHERE id = $1 FOR UPDATE', [Number(other.slice('FB-'.length))]);
      });
    };
    await Promise.all([race('a', a, first.key, second.key), race('b', b, second.key, first.key)]);
    expect(attempts.a + attempts.b).toBe(3);
    expect(committed.sort()).toEqual(['a', 'b']);
    expect(told.sort()).toEqual([`a ${first.key}`, `b ${second.key}`]);
    const votes = await a.sql<{ record_key: string; n: string }>(
      `SELECT record_key, COUNT(*) AS n FROM loop_event WHERE type = 'feedback.voted' AND record_key IN ($1, $2) GROUP BY record_key ORDER BY record_key`,
      [first.key, second.key],
    );
    expect(votes.map((row) => [row.record_key, Number(row.n)])).toEqual([first.key, second.key].sort().map((key) => [key, 1]));
    expect(await b.ok(operator, `{ a: feedback(key: "${first.key}") { voteCount } b: feedback(key: "${second.key}") { voteCount } }`)).toEqual({ a: { voteCount: 1 }, b: { voteCount: 1 } });
    expect(await a.app.get(HealthTallyService).findMismatches()).toEqual([]);
  });

  it('reports each stalled loop once when both instances sweep at the same moment', async () => {
    a.clock.advanceDays(40);
    b.clock.advanceDays(40);
    const [byA, byB] = await Promise.all([a.app.get(StallWatch).sweep(), b.app.get(StallWatch).sweep()]);
    const reports = await a.sql<{ record_key: string; n: string }>(`SELECT record_key, COUNT(*) AS n FROM loop_event WHERE type = 'loop.stalled' GROUP BY record_key`);
    expect(reports.length).toBeGreaterThan(10);
    expect(reports.filter((report) => Number(report.n) !== 1)).toEqual([]);
    expect(byA + byB).toBe(reports.length);
    expect(await b.app.get(HealthTallyService).findMismatches()).toEqual([]);
  });
});
