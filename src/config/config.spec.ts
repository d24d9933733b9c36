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

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ LOG_SQL: 'maybe' }, 'LOG_SQL'],
    [{ DATABASE_URL: 'postgres://h/db', DATABASE_SSL: 'sometimes' }, 'DATABASE_SSL'],
    [{ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
    [{ WEBHOOK_MAX_ATTEMPTS: 'many' }, 'WEBHOOK_MAX_ATTEMPTS'],
    [{ STALL_DAYS: '0' }, 'STALL_DAYS'],
  ])('stops on a bad setting and names it: %j', (env, setting) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(setting);
  });
});
