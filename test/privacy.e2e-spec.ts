import { openSocket, TestSocket, Watch, watchEvents } from './support/sockets';
import { waitFor } from './support/wait';
import { ADMIN_TOKEN, testConfig } from './support/config';
import { startService, TestService } from './support/service';

interface Person {
  token: string;
  email: string;
}

interface WatchedEvent {
  type: string;
  recordKey: string;
  actor: { name: string; email: string | null } | null;
  before: unknown;
  after: unknown;
  data: unknown;
}

/** What PEOPLE selects. */
interface People {
  feedback: { submitter: { name: string; email: string | null } };
  loop: { closure: { closedBy: { email: string | null } }; timeline: { nodes: Array<{ actor: { name: string; email: string | null } | null }> } };
  theme: { owner: { email: string | null } };
}

interface Exports {
  loop: { markdown: string; json: string };
  loopsCsv: string;
}

/** A webhook payload, as far as the test reads it. */
interface Payload {
  type: string;
  loopKey: string;
  actor: unknown;
  data: unknown;
}

/** Keys that name a record by an internal database id (submitterId, movedVoterIds, parentId…), wherever they sit in a JSON value. */
const ID_KEY = /"\w*Ids?":/;

/** Emails are personal data: each person's reaches only themself, product managers and admins, and never a webhook. */
describe('whose email reaches whom', () => {
  let service: TestService;
  let olga: Person;
  let uma: Person;
  let otto: Person;
  let tom: Person;
  let pat: Person;
  let pia: Person;
  let emails: string[];
  let socket: TestSocket;
  let watched: Watch<WatchedEvent>;


  beforeAll(async () => {
    const defaults = testConfig({ engine: 'sqlite', path: ':memory:' });
    service = await startService({ webhooks: { ...defaults.webhooks, pollMs: 0 } });
    olga = await service.actor('OPERATOR', 'Olga');
    uma = await service.actor('USER', 'Uma');
    otto = await service.actor('OPERATOR', 'Otto');
    tom = await service.actor('TECH_LEAD', 'Tom');
    pat = await service.actor('PRODUCT_MANAGER', 'Pat');
    pia = await service.actor('PRODUCT_MANAGER', 'Pia');
    emails = [olga, uma, otto, tom, pat, pia].map((person) => person.email);
    await service.api.registerWebhook(ADMIN_TOKEN, {
      url: 'https://hooks.example.org/looptrace',
      events: ['feedback.*', 'loop.*', 'link.*', 'theme.*', 'blueprint.*', 'outcome.*', 'release.*'],
      secret: 'a-secret-of-sixteen+',
    });
    socket = openSocket(service, uma.token);
    watched = await watchEvents<WatchedEvent>(service, socket, null, 'type recordKey actor { name email } before after data');

    const { api } = service;
    await api.submitFeedback(olga.token, { title: 'Live-migrate pinned instances', origin: 'OPERATOR', projects: ['nova'] });
    await api.voteFeedback(uma.token, { key: 'FB-1' });
    await api.submitFeedback(olga.token, { title: 'Evacuate a host in one call', origin: 'OPERATOR' });
    await api.submitFeedback(uma.token, { title: 'Evacuate hosts at once', origin: 'USER' });
    await api.voteFeedback(otto.token, { key: 'FB-3' });
    await api.triageFeedback(pat.token, { key: 'FB-1', note: 'operators keep asking' });
    await api.createTheme(pat.token, { title: 'Day-two operations', kind: 'THEME' });
    await api.createTheme(pat.token, { title: 'Live migration', kind: 'USER_STORY' });
    await api.linkFeedbackToTheme(pat.token, { feedbackKey: 'FB-1', themeKey: 'TH-2' });
    await api.updateTheme(pat.token, { key: 'TH-2', parentKey: 'TH-1', ownerEmail: pia.email, targetRelease: 'Pike' });
    await api.createBlueprint(tom.token, { project: 'nova', name: 'pinned-migration', title: 'Migrate pinned instances' });
    await api.updateBlueprint(tom.token, { project: 'nova', name: 'pinned-migration', targetRelease: 'Queens' });
    await api.linkBlueprint(tom.token, { project: 'nova', name: 'pinned-migration', feedbackKey: 'FB-1' });
    await api.updateBlueprint(tom.token, { project: 'nova', name: 'pinned-migration', implementationStatus: 'STARTED' });
    await api.recordReleaseOutcome(pat.token, { project: 'nova', name: 'pinned-migration', release: 'Pike', result: 'DELIVERED' });
    await api.closeLoop(pat.token, { key: 'FB-1', resolution: 'DELIVERED', note: 'in Pike' });
    await api.mergeFeedback(pat.token, { duplicateKey: 'FB-3', survivorKey: 'FB-2' });
    await waitFor('the merge to be heard live', () => watched.received.some((event) => event.type === 'feedback.merged'));
  });

  afterAll(async () => {
    await socket.client.dispose();
    await service.close();
  });

  const PEOPLE = `{
    feedback(key: "FB-1") { submitter { name email } }
    loop(key: "FB-1") { closure { closedBy { email } } timeline(first: 100) { nodes { actor { name email } } } }
    theme(key: "TH-2") { owner { email } }
  }`;

  /** Every email the reader is shown, by whose it is. */
  async function emailsSeenBy(reader: Person | string): Promise<Record<string, string | null>> {
    const data = await service.ok<People>(typeof reader === 'string' ? reader : reader.token, PEOPLE);
    const seen: Record<string, string | null> = {};
    const note = (person: { name: string; email: string | null }) => (seen[person.name] = person.email);
    note(data.feedback.submitter);
    data.loop.timeline.nodes.forEach((event) => event.actor && note(event.actor));
    expect(data.loop.closure.closedBy.email).toBe(seen.Pat);
    expect(data.theme.owner.email).toBe(typeof reader !== 'string' && reader !== pat && reader !== pia ? null : pia.email);
    return seen;
  }

  it('shows an actor their own email, and product managers and admins everyone\'s; to anyone else it is null', async () => {
    const everyone = { Olga: olga.email, Uma: uma.email, Tom: tom.email, Pat: pat.email };
    expect(await emailsSeenBy(pat)).toEqual(everyone);
    expect(await emailsSeenBy(ADMIN_TOKEN)).toEqual(everyone);
    expect(await emailsSeenBy(olga)).toEqual({ Olga: olga.email, Uma: null, Tom: null, Pat: null });
    expect(await emailsSeenBy(uma)).toEqual({ Olga: null, Uma: uma.email, Tom: null, Pat: null });
    expect(await emailsSeenBy(tom)).toEqual({ Olga: null, Uma: null, Tom: tom.email, Pat: null });
    expect((await service.ok<{ viewer: { email: string } }>(uma.token, `{ viewer { email } }`)).viewer.email).toBe(uma.email);
  });

  it('keeps emails out of the exports for those who may not see them', async () => {
    const EXPORTS = `{ loop(key: "FB-1") { markdown json } loopsCsv }`;
    const asLead = await service.ok<Exports>(tom.token, EXPORTS);
    const others = emails.filter((email) => email !== tom.email);
    for (const text of [asLead.loop.markdown, asLead.loop.json, asLead.loopsCsv]) expect(others.filter((email) => text.includes(email))).toEqual([]);
    expect(asLead.loop.markdown).toContain('by Olga\n');
    const asManager = await service.ok<Exports>(pat.token, EXPORTS);
    expect(asManager.loop.markdown).toContain(`Olga (${olga.email})`);
    expect((JSON.parse(asManager.loop.json) as { submitter: unknown }).submitter).toEqual({ name: 'Olga', email: olga.email });
    expect(asManager.loopsCsv).toContain(olga.email);
    const asSubmitter = await service.ok<{ loopsCsv: string }>(olga.token, `{ loopsCsv }`);
    expect(asSubmitter.loopsCsv).toContain(olga.email);
    expect(asSubmitter.loopsCsv).not.toContain(uma.email);
  });

  it('names records by their keys and names in the JSON of events, never by internal ids, wherever the events are read', async () => {
    const timelines = await service.ok<{ loops: { nodes: Array<{ timeline: { nodes: WatchedEvent[] } }> } }>(
      uma.token,
      `{ loops(first: 10) { nodes { timeline(first: 100) { nodes { type recordKey actor { name email } before after data } } } } }`,
    );
    const audit = await service.ok<{ events: { nodes: WatchedEvent[] } }>(tom.token, `{ events(first: 100) { nodes { type recordKey actor { name email } before after data } } }`);
    const sources: Record<string, WatchedEvent[]> = {
      timelines: timelines.loops.nodes.flatMap((loop) => loop.timeline.nodes),
      events: audit.events.nodes,
      loopEvents: watched.received,
    };
    for (const [source, events] of Object.entries(sources)) {
      const json = JSON.stringify(events.map(({ before, after, data }) => ({ before, after, data })));
      expect({ source, ids: json.match(new RegExp(ID_KEY, 'g')), emails: emails.filter((email) => json.includes(email)) }).toEqual({ source, ids: null, emails: [] });
    }
    const actorsHeardLive = new Set(watched.received.map((event) => event.actor && `${event.actor.name}:${event.actor.email}`));
    expect([...actorsHeardLive].sort()).toEqual(['Olga:null', 'Otto:null', 'Pat:null', 'Tom:null', `Uma:${uma.email}`]);
    const find = (type: string, recordKey: string) => sources.events.find((event) => event.type === type && event.recordKey === recordKey)!;
    expect(find('theme.updated', 'TH-2').after).toEqual({ parentKey: 'TH-1', owner: 'Pia', targetRelease: 'Pike' });
    expect(find('blueprint.updated', 'nova/pinned-migration').after).toEqual({ implementationStatus: 'STARTED' });
    expect(sources.events.filter((event) => event.type === 'blueprint.updated').map((event) => event.after)).toContainEqual({ targetRelease: 'Queens' });
    expect(find('loop.released', 'FB-1').after).toEqual({ completedIn: 'Pike' });
    expect(find('loop.released', 'FB-1').data).toEqual({ cause: { type: 'outcome.recorded', recordKey: 'nova/pinned-migration@Pike' } });
    expect(find('feedback.merged', 'FB-3').data).toEqual({ duplicateKey: 'FB-3', survivorKey: 'FB-2', movedVotes: 2, note: 'duplicate of FB-2' });
    expect(find('loop.closed', 'FB-1').data).toEqual({ note: 'in Pike' });
  });

  it('names people in webhook payloads by name, role and organization, and records by their keys', async () => {
    const rows = await service.sql<{ payload: string }>(`SELECT payload FROM webhook_delivery ORDER BY event_id`);
    const payloads = rows.map((row): Payload => JSON.parse(row.payload));
    expect(payloads.length).toBeGreaterThan(20);
    const json = JSON.stringify(payloads);
    expect({ ids: json.match(new RegExp(ID_KEY, 'g')), emails: emails.filter((email) => json.includes(email)) }).toEqual({ ids: null, emails: [] });
    const people = new Set(payloads.map((payload) => JSON.stringify(payload.actor)));
    const person = (name: string, role: string) => JSON.stringify({ name, role, organization: 'Example Cloud' });
    expect([...people].sort()).toEqual(
      [person('Olga', 'OPERATOR'), person('Otto', 'OPERATOR'), person('Pat', 'PRODUCT_MANAGER'), person('Tom', 'TECH_LEAD'), person('Uma', 'USER')].sort(),
    );
    const closed = payloads.find((payload) => payload.type === 'loop.closed' && payload.loopKey === 'FB-1');
    expect(closed?.data).toEqual({
      recordType: 'feedback',
      recordKey: 'FB-1',
      before: { resolution: null },
      after: { resolution: 'DELIVERED' },
      note: 'in Pike',
      loopKeys: ['FB-1'],
      notify: [
        { name: 'Olga', role: 'OPERATOR', organization: 'Example Cloud', relation: 'submitter' },
        { name: 'Uma', role: 'USER', organization: 'Example Cloud', relation: 'voter' },
      ],
    });
  });
});
