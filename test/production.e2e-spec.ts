import { serverAudits } from 'graphql-http';
import { loadConfig } from '../src/config/config';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

/** The mode operators deploy in: NODE_ENV=production. */
describe('production mode', () => {
  let service: TestService;
  const before = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = 'production';
    const defaults = loadConfig({ NODE_ENV: 'production' });
    // The audits send many requests without a token, from one address.
    service = await startService({ observability: defaults.observability, limits: { ...defaults.limits, anonymousPerMinute: 100_000 } });
  });

  afterAll(async () => {
    await service.close();
    process.env.NODE_ENV = before;
  });

  it('passes every MUST and SHOULD audit of the GraphQL over HTTP specification', async () => {
    const results = await Promise.all(serverAudits({ url: service.url }).map((audit) => audit.fn()));
    const failed = results
      .filter((result) => /^(MUST|SHOULD)\b/.test(result.name) && result.status !== 'ok')
      .map((result) => `${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(failed).toEqual([]);
    expect(results.filter((result) => /^(MUST|SHOULD)\b/.test(result.name)).length).toBeGreaterThanOrEqual(36);
  });

  it('answers introspection, so that the IDE has its schema, docs and completion', async () => {
    const answer = await service.gql(null, '{ __schema { queryType { name } } }');
    expect(answer.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('turns introspection off when told to, and says so plainly', async () => {
    const closed = await startService({ introspection: false });
    try {
      const refused = await closed.gql(null, '{ __schema { queryType { name } } }');
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'query' }] });
      expect(refused.errors?.[0].message).toMatch(/GRAPHQL_INTROSPECTION=false.*schema\.gql/);
      expect(await closed.ok(ADMIN_TOKEN, '{ viewer { name } }')).toEqual({ viewer: { name: 'Administrator' } });
    } finally {
      await closed.close();
    }
  });
});
