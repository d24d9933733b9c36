import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupSqlite } from '../src/cli/backup';
import { createTestDatabase, TestDatabase } from './support/database';
import { startService, TestService } from './support/service';

const TRACE = `query($key: String!) {
  loop(key: $key) {
    key stage stageEnteredAt lastEventAt waitingOn
    feedback { id title body origin submitter { email } projects tags voteCount createdAt }
    timeline(first: 100) { totalCount nodes { id type occurredAt recordKey actor { email } after } }
  }
}`;

/** The online backup of an SQLite database, taken while the service on it keeps writing. SQLite only: PostgreSQL has pg_dump. */
describe('backing up a running SQLite database', () => {
  let database: TestDatabase;
  let service: TestService;
  let operator: string;
  let folder: string;

  const submit = (index: number) =>
    service.api.submitFeedback(operator, { title: `Request number ${index} about instance backups`, origin: 'OPERATOR', projects: ['nova'], tags: ['#backup'] });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    service = await startService({ database: database.database });
    operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    folder = mkdtempSync(join(tmpdir(), 'looptrace-backup-'));
  });

  afterAll(async () => {
    await service.close();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('takes a consistent copy while writes go on, and a service starts on it with the data', async () => {
    for (let index = 1; index <= 5; index++) await submit(index);
    const total = 60;
    let written = 5;
    const writing = (async () => {
      for (let index = 6; index <= total; index++) {
        await submit(index);
        written = index;
      }
    })();
    while (written < 10) await new Promise((resolve) => setTimeout(resolve, 5));

    const file = join(folder, 'during-writes.sqlite');
    const { pages } = await backupSqlite(database.path!, file);
    const writtenByThen = written;
    await writing;
    expect(pages).toBeGreaterThan(0);
    expect(writtenByThen).toBeLessThan(total);
    expect(readdirSync(folder)).toEqual(['during-writes.sqlite']);

    const restored = await startService({ database: { engine: 'sqlite', path: file } });
    try {
      const list = `{ feedbackItems(first: 100) { totalCount nodes { key } } }`;
      const { feedbackItems } = await restored.ok<{ feedbackItems: { totalCount: number; nodes: Array<{ key: string }> } }>(operator, list);
      // One snapshot: every request up to some point, none missing in between, none of those submitted after the copy.
      const count = feedbackItems.totalCount;
      expect(count).toBeGreaterThanOrEqual(10);
      expect(count).toBeLessThan(total);
      expect(feedbackItems.nodes.map((node) => node.key).sort()).toEqual(
        Array.from({ length: count }, (_value, index) => `FB-${index + 1}`).sort(),
      );
      for (let index = 1; index <= count; index++) {
        const key = `FB-${index}`;
        expect(await restored.ok(operator, TRACE, { key })).toEqual(await service.ok(operator, TRACE, { key }));
      }
      const search = async (on: TestService) => (await on.ok<{ search: { totalCount: number } }>(operator, `{ search(query: "backups", first: 100) { totalCount } }`)).search;
      expect((await search(restored)).totalCount).toBe(count);
      expect((await search(service)).totalCount).toBe(total);
    } finally {
      await restored.close();
    }
  });

  it('refuses to overwrite a file, or to back up a database that is not there', async () => {
    const taken = join(folder, 'taken.sqlite');
    writeFileSync(taken, 'keep me');
    await expect(backupSqlite(database.path!, taken)).rejects.toThrow(/exists already/);
    await expect(backupSqlite(join(folder, 'missing.sqlite'), join(folder, 'out.sqlite'))).rejects.toThrow(/does not exist/);
    expect(existsSync(join(folder, 'out.sqlite'))).toBe(false);
  });
});
