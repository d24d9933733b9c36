import { run } from '../src/cli/commands';
import { createTestDatabase, TestDatabase } from './support/database';
import { testConfig } from './support/config';
import { startService } from './support/service';

interface DemoFigures {
  viewer: { role: string };
  loopHealth: { total: number; funnel: Array<{ stage: string; count: number }> };
  themes: { totalCount: number };
  blueprint: { outcomes: Array<{ result: string; release: { name: string } }>; requests: { totalCount: number } };
}

/** `npm run demo`: the shipped records and the demo's decisions, in a fresh database, with loops that move. */
describe('the demo', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database.drop());

  const demo = async () => {
    let text = '';
    const code = await run({ ...testConfig(database.database), port: 3000 }, ['demo'], (chunk) => (text += chunk));
    return { code, text };
  };

  it('loads real loops, some of them moving, and hands out a token', async () => {
    const { code, text } = await demo();
    expect(code).toBe(0);
    expect(text).toMatch(/triaged and linked 3 requests/);
    const token = /^(lt_\S+)$/m.exec(text)![1];

    const service = await startService({ database: database.database });
    try {
      const data = await service.ok<DemoFigures>(token, `{
        viewer { role }
        loopHealth { total funnel { stage count } }
        themes(filter: { kind: USER_STORY }) { totalCount }
        blueprint(project: "nova", name: "service-version-number") { outcomes { result release { name } } requests { totalCount } }
      }`);
      expect(data.viewer.role).toBe('PRODUCT_MANAGER');
      expect(data.loopHealth.total).toBeGreaterThan(200);
      const moving = data.loopHealth.funnel.filter((stage) => !['REQUESTED', 'TRIAGED'].includes(stage.stage));
      expect(moving.reduce((sum, stage) => sum + stage.count, 0)).toBe(2);
      expect(data.themes.totalCount).toBeGreaterThanOrEqual(17);
      expect(data.blueprint.outcomes).toEqual([{ result: 'DELIVERED', release: { name: 'Liberty' } }]);
      expect(data.blueprint.requests.totalCount).toBe(2);
    } finally {
      await service.app.close();
    }

    const again = await demo();
    expect(again.text).toMatch(/triaged and linked 0 requests/);
    expect(again.text).not.toMatch(/created\s+[1-9]/);
  });
});
