import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults to an embedded SQLite file and port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ engine: 'sqlite', path: expect.stringMatching(/data[\\/]looptrace\.sqlite$/) });
    expect(config.adminToken).toBeNull();
  });

  it('takes PostgreSQL from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/looptrace' }).database).toEqual({
      engine: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/looptrace',
      poolSize: 10,
      ssl: 'disable',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db.example.org/looptrace', DATABASE_POOL_SIZE: '40', DATABASE_SSL: 'verify-full' }).database).toEqual({
      engine: 'postgres',
      url: 'postgresql://db.example.org/looptrace',
      poolSize: 40,
      ssl: 'verify-full',
    });
  });

  it('reads how the service reports on itself, and whether it answers introspection', () => {
    expect(loadConfig({})).toMatchObject({
      observability: { production: false, logLevel: 'info', slowOperationMs: 1000, metricsToken: null },
      introspection: true,
    });
    expect(loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'WARN', METRICS_TOKEN: 'a-scraper-secret-123', GRAPHQL_INTROSPECTION: 'false' })).toMatchObject({
      observability: { production: true, logLevel: 'warn', metricsToken: 'a-scraper-secret-123' },
      introspection: false,
    });
  });

  it('reads the limits, sizes with or without a unit', () => {
    expect(loadConfig({}).limits).toEqual({
      maxDepth: 12,
      maxNodes: 50_000,
      maxCost: 100_000,
      budgetPerHour: 5_000_000,
      requestTimeoutMs: 15_000,
      graphqlBodyBytes: 1024 * 1024,
      importBodyBytes: 25 * 1024 * 1024,
      authFailuresPerMinute: 20,
      anonymousPerMinute: 120,
    });
    const set = loadConfig({ QUERY_MAX_NODES: '2000', GRAPHQL_BODY_LIMIT: '512kb', IMPORT_BODY_LIMIT: '4096', QUERY_BUDGET_PER_HOUR: '200000', QUERY_MAX_COST: '200000' });
    expect(set.limits).toMatchObject({ maxNodes: 2000, graphqlBodyBytes: 512 * 1024, importBodyBytes: 4096, budgetPerHour: 200_000, maxCost: 200_000 });
  });

  it('refuses webhooks into private networks unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is true', () => {
    expect(loadConfig({}).webhooks.allowPrivateNetworks).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).webhooks.allowPrivateNetworks).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'off' }).webhooks.allowPrivateNetworks).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ LOG_SQL: 'maybe' }, 'LOG_SQL'],
    [{ DATABASE_URL: 'postgres://h/db', DATABASE_SSL: 'sometimes' }, 'DATABASE_SSL'],
    [{ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ WEBHOOK_MAX_ATTEMPTS: 'many' }, 'WEBHOOK_MAX_ATTEMPTS'],
    [{ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'sometimes' }, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS'],
    [{ STALL_DAYS: '0' }, 'STALL_DAYS'],
    [{ QUERY_MAX_DEPTH: '1' }, 'QUERY_MAX_DEPTH'],
    [{ QUERY_MAX_NODES: 'lots' }, 'QUERY_MAX_NODES'],
    [{ QUERY_MAX_COST: '6000000' }, 'QUERY_MAX_COST'],
    [{ REQUEST_TIMEOUT_MS: '10' }, 'REQUEST_TIMEOUT_MS'],
    [{ GRAPHQL_BODY_LIMIT: '1gb' }, 'GRAPHQL_BODY_LIMIT'],
    [{ IMPORT_BODY_LIMIT: '12 bytes' }, 'IMPORT_BODY_LIMIT'],
    [{ AUTH_FAILURES_PER_MINUTE: '0' }, 'AUTH_FAILURES_PER_MINUTE'],
    [{ ANONYMOUS_REQUESTS_PER_MINUTE: '-1' }, 'ANONYMOUS_REQUESTS_PER_MINUTE'],
    [{ DATABASE_SSL: 'sometimes' }, 'DATABASE_SSL'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE'],
    [{ DATABASE_PATH: 'data/' }, 'DATABASE_PATH'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SLOW_OPERATION_MS: '0' }, 'SLOW_OPERATION_MS'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ GRAPHQL_INTROSPECTION: 'perhaps' }, 'GRAPHQL_INTROSPECTION'],
  ])('stops on a bad setting and names it: %j', (env, setting) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(setting);
  });
});
