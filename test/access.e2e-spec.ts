import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

interface EditedFeedback {
  updateFeedback: { feedback: { title: string; version: number } };
}

/** Who may do what, as API.md lists it, and the tokens that carry it. */
describe('access', () => {
  let service: TestService;
  const tokens: Record<string, string> = {};
  let operatorEmail: string;

  beforeAll(async () => {
    service = await startService();
    for (const role of ['USER', 'OPERATOR', 'TECH_LEAD', 'PRODUCT_MANAGER'] as const) {
      const actor = await service.actor(role, `A ${role.toLowerCase()}`);
      tokens[role] = actor.token;
      if (role === 'OPERATOR') operatorEmail = actor.email;
    }
    tokens.ADMIN = ADMIN_TOKEN;
    const { api } = service;
    await api.submitFeedback(tokens.PRODUCT_MANAGER, { title: 'Quota per domain (heard at the ops meetup)', origin: 'OPERATOR' });
    await api.submitFeedback(tokens.OPERATOR, { title: 'Quota per domain', origin: 'OPERATOR' });
    await api.submitFeedback(tokens.PRODUCT_MANAGER, { title: 'Bigger default quotas', origin: 'OPERATOR' });
    await api.createTheme(tokens.PRODUCT_MANAGER, { title: 'Quotas', kind: 'THEME' });
    await api.createBlueprint(tokens.TECH_LEAD, { project: 'keystone', name: 'domain-quotas', title: 'Quotas per domain' });
  });

  afterAll(() => service.close());

  it('refuses a request without a token, or with an unknown one, as UNAUTHENTICATED', async () => {
    const anonymous = await service.gql(null, `{ loops { totalCount } }`);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data).toBeNull();
    // An unknown token is refused at the door, before the body is read: a request error, with no data at all.
    const unknown = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer lt_not-a-real-token' },
      body: JSON.stringify({ query: '{ loops { totalCount } }' }),
    });
    expect(unknown.status).toBe(401);
    const refused = (await unknown.json()) as { data?: unknown; errors: Array<{ extensions: { code: string } }> };
    expect(refused.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(refused).not.toHaveProperty('data');
    const malformed = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: '{ viewer { name } }' }),
    });
    expect(((await malformed.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  const operations: Record<string, string> = {
    submitFeedback: `mutation { submitFeedback(input: { title: "Another request", origin: USER }) { feedback { key } } }`,
    voteFeedback: `mutation { voteFeedback(input: { key: "FB-1" }) { feedback { key } } }`,
    triageFeedback: `mutation { triageFeedback(input: { key: "FB-1" }) { feedback { key } } }`,
    createTheme: `mutation { createTheme(input: { title: "Another theme", kind: THEME }) { theme { key } } }`,
    linkFeedbackToTheme: `mutation { linkFeedbackToTheme(input: { feedbackKey: "FB-1", themeKey: "TH-1" }) { theme { key } } }`,
    createBlueprint: `mutation { createBlueprint(input: { project: "nova", name: "bp-ROLE", title: "A blueprint" }) { blueprint { key } } }`,
    updateBlueprint: `mutation { updateBlueprint(input: { project: "keystone", name: "domain-quotas", priority: LOW }) { blueprint { key } } }`,
    linkBlueprint: `mutation { linkBlueprint(input: { project: "keystone", name: "domain-quotas", themeKey: "TH-1" }) { blueprint { key } } }`,
    createRelease: `mutation { createRelease(input: { name: "Release-ROLE" }) { release { name } } }`,
    recordReleaseOutcome: `mutation { recordReleaseOutcome(input: { project: "keystone", name: "domain-quotas", release: "Pike", result: DEFERRED }) { outcome { result } } }`,
    closeLoop: `mutation { closeLoop(input: { key: "FB-3", resolution: DECLINED, note: "no" }) { loop { stage } } }`,
    createActor: `mutation { createActor(input: { name: "X", email: "x-ROLE@example.org", role: USER }) { actor { id } } }`,
    issueToken: `mutation { issueToken(input: { actorEmail: "OPERATOR_EMAIL", label: "x" }) { token } }`,
  };

  const allowed: Record<string, string[]> = {
    submitFeedback: ['OPERATOR', 'USER', 'PRODUCT_MANAGER'],
    voteFeedback: ['OPERATOR', 'USER'],
    triageFeedback: ['PRODUCT_MANAGER'],
    createTheme: ['PRODUCT_MANAGER'],
    linkFeedbackToTheme: ['PRODUCT_MANAGER'],
    createBlueprint: ['TECH_LEAD'],
    updateBlueprint: ['TECH_LEAD'],
    linkBlueprint: ['TECH_LEAD'],
    createRelease: ['PRODUCT_MANAGER'],
    recordReleaseOutcome: ['PRODUCT_MANAGER'],
    closeLoop: ['PRODUCT_MANAGER'],
    createActor: [],
    issueToken: [],
  };

  it.each(Object.keys(operations))('%s is refused as FORBIDDEN to every role but its own, and writes nothing', async (name) => {
    for (const role of ['USER', 'OPERATOR', 'TECH_LEAD', 'PRODUCT_MANAGER']) {
      if (allowed[name].includes(role)) continue;
      const eventsBefore = await service.count('loop_event');
      const query = operations[name].replace(/ROLE/g, role.toLowerCase()).replace('OPERATOR_EMAIL', operatorEmail);
      const result = await service.gql(tokens[role], query);
      expect({ role, code: result.errors?.[0].extensions?.code }).toEqual({ role, code: 'FORBIDDEN' });
      expect(await service.count('loop_event')).toBe(eventsBefore);
    }
  });

  it.each(Object.keys(operations))('%s is open to the roles API.md names', async (name) => {
    for (const role of allowed[name]) {
      const query = operations[name].replace(/ROLE/g, role.toLowerCase()).replace('OPERATOR_EMAIL', operatorEmail);
      const result = await service.gql(tokens[role], query);
      expect({ role, errors: result.errors }).toEqual({ role, errors: undefined });
    }
  });

  it('lets an operator edit only their own open feedback', async () => {
    const edit = `mutation($input: UpdateFeedbackInput!) { updateFeedback(input: $input) { feedback { title version } } }`;
    const own = await service.ok<EditedFeedback>(tokens.OPERATOR, edit, { input: { key: 'FB-2', title: 'Quotas per domain, not per project' } });
    expect(own.updateFeedback.feedback.title).toBe('Quotas per domain, not per project');
    const other = await service.gql(tokens.USER, edit, { input: { key: 'FB-2', title: 'Hijacked' } });
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const stale = await service.gql(tokens.OPERATOR, edit, { input: { key: 'FB-2', title: 'Old copy', expectedVersion: 1 } });
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');

    await service.api.closeLoop(tokens.PRODUCT_MANAGER, { key: 'FB-2', resolution: 'OUT_OF_SCOPE', note: 'keystone owns it' });
    const closed = await service.gql(tokens.OPERATOR, edit, { input: { key: 'FB-2', title: 'Too late' } });
    expect(closed.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const byManager = await service.ok<EditedFeedback>(tokens.PRODUCT_MANAGER, edit, { input: { key: 'FB-2', body: 'Tidied by the WG' } });
    expect(byManager.updateFeedback.feedback.title).toBe('Quotas per domain, not per project');
  });

  it('issues a token shown once and stored only as a hash, and revokes it', async () => {
    await service.ok(ADMIN_TOKEN, `mutation { createActor(input: { name: "Importer", email: "importer@example.org", role: PRODUCT_MANAGER }) { actor { id } } }`);
    const issued = await service.ok<{ issueToken: { token: string; apiToken: { id: string; label: string; prefix: string; revokedAt: string | null } } }>(
      ADMIN_TOKEN,
      `mutation { issueToken(input: { actorEmail: "importer@example.org", label: "forum importer" }) { token apiToken { id label prefix revokedAt } } }`,
    );
    const { token, apiToken } = issued.issueToken;
    expect(token).toMatch(/^lt_[\w-]{32}$/);
    expect(apiToken).toMatchObject({ label: 'forum importer', prefix: token.slice(0, 8), revokedAt: null });
    const stored = await service.sql<{ token_hash: string }>('SELECT token_hash FROM api_token WHERE id = ?', [apiToken.id]);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].token_hash).not.toContain(token);

    expect((await service.ok<{ viewer: { email: string; role: string } }>(token, `{ viewer { email role } }`)).viewer).toEqual({ email: 'importer@example.org', role: 'PRODUCT_MANAGER' });
    const mine = await service.ok<{ viewer: { tokens: Array<{ label: string }> } }>(token, `{ viewer { tokens { label } } }`);
    expect(mine.viewer.tokens).toEqual([{ label: 'forum importer' }]);

    await service.ok(ADMIN_TOKEN, `mutation($id: ID!) { revokeToken(input: { tokenId: $id }) { apiToken { revokedAt } } }`, { id: apiToken.id });
    expect((await service.gql(token, `{ viewer { email } }`)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const again = await service.gql(ADMIN_TOKEN, `mutation($id: ID!) { revokeToken(input: { tokenId: $id }) { apiToken { id } } }`, { id: apiToken.id });
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('refuses a second actor with the same email as CONFLICT', async () => {
    const result = await service.gql(ADMIN_TOKEN, `mutation { createActor(input: { name: "Dup", email: "IMPORTER@example.org", role: USER }) { actor { id } } }`);
    expect(result.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('records who did what: every write is an event with its actor', async () => {
    const rows = await service.sql<{ type: string; actor_id: number | null }>(
      `SELECT type, actor_id FROM loop_event WHERE type NOT IN ('actor.created', 'token.issued')`,
    );
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter((row) => row.actor_id === null)).toEqual([]);
  });
});
