import { LooptraceConfig } from '../src/config/config';
import { run, UsageError } from '../src/cli/commands';
import { createTestDatabase, TestDatabase } from './support/database';
import { startService, testConfig } from './support/service';

/** The command line, against the same database file the service then serves. */
describe('command line', () => {
  let database: TestDatabase;
  let config: LooptraceConfig;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = testConfig(database.database);
  });

  afterAll(() => database.drop());

  const capture = async (argv: string[]) => {
    let text = '';
    const code = await run(config, argv, (chunk) => (text += chunk));
    return { code, text };
  };

  it('mints a first admin token on a fresh database, which the service then accepts', async () => {
    const { code, text } = await capture(['token', 'create', '--email', 'Admin@Example.org', '--role', 'admin', '--name', 'Ada Admin']);
    expect(code).toBe(0);
    const token = /^(lt_\S+)$/m.exec(text)?.[1];
    expect(token).toBeDefined();

    const service = await startService({ database: config.database, adminToken: null });
    try {
      expect(await service.ok(token!, `{ viewer { name email role } }`)).toEqual({ viewer: { name: 'Ada Admin', email: 'admin@example.org', role: 'ADMIN' } });
    } finally {
      await service.app.close();
    }
  });

  it('issues another token to an existing actor, and refuses a different role for them', async () => {
    expect((await capture(['token', 'create', '--email', 'admin@example.org', '--role', 'ADMIN', '--label', 'backup'])).code).toBe(0);
    await expect(capture(['token', 'create', '--email', 'admin@example.org', '--role', 'USER'])).rejects.toThrow(/exists with role ADMIN/);
  });

  it('explains its usage when the command is incomplete', async () => {
    await expect(capture(['token', 'create', '--email', 'x@example.org'])).rejects.toThrow(UsageError);
    await expect(capture(['frobnicate'])).rejects.toThrow(UsageError);
  });

  it('checks the stored stages against their facts', async () => {
    expect(await capture(['stages', 'check'])).toEqual({ code: 0, text: 'Every stored stage matches its facts.\n' });
  });
});
