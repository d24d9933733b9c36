import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor } from '../src/actors/actor.entity';
import { ActorsService } from '../src/actors/actors.service';
import { ImportReport } from '../src/importers/dto/import.models';
import { ImportService } from '../src/importers/import.service';
import { ImportFile } from '../src/importers/importer';
import { importViaApi } from './support/imports';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

const FOLDER = join(__dirname, '../demo/openstack-pwg/forum-2017-boston');
const SIGNUP = 'forum:https://etherpad.openstack.org/p/BOS-forum-Features-Missing-For-Public-Clouds#24';
const SELF_NOMINATION = 'forum:https://etherpad.openstack.org/p/BOS-forum-user-committee-session#46';

const REPORT = `format dryRun
  files { name records error }
  counts { kind created updated unchanged skipped }
  skipped { kind file line reason }
  notes { kind file line reason }`;

/** The forum folder and CSV files imported through the real service and database file, twice over. */
describe('importing forum tag lists and CSV files', () => {
  let service: TestService;
  let imports: ImportService;
  let admin: Actor;
  const forum: ImportFile[] = readdirSync(FOLDER)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => ({ name, content: readFileSync(join(FOLDER, name)) }));
  /** Each etherpad line the folder quotes, and where, read without the importer. */
  const quoted = forum.flatMap((file) =>
    file.content
      .toString('utf8')
      .split('\n')
      .flatMap((line, index) => {
        const match = /^(https?:\S+): (\d+): /.exec(line);
        return match ? [{ file: file.name, line: index + 1, key: `forum:${match[1]}#${match[2]}` }] : [];
      }),
  );
  const distinctLines = new Set(quoted.map((entry) => entry.key)).size;

  const feedbackCount = (report: ImportReport) => report.counts.find((count) => count.kind === 'feedback');
  const keyOf = async (sourceKey: string) => `FB-${await imports.recordOf('feedback', sourceKey)}`;
  const item = async (sourceKey: string) =>
    (
      await service.ok<{ feedback: Record<string, unknown> }>(
        ADMIN_TOKEN,
        `query($key: String!) { feedback(key: $key) { key title voteCount importedVotes tags projects origin sourceUrl sourceLine version } }`,
        { key: await keyOf(sourceKey) },
      )
    ).feedback;
  const csv = (text: string): ImportFile[] => [{ name: 'requests.csv', content: Buffer.from(text, 'utf8') }];

  beforeAll(async () => {
    service = await startService();
    imports = service.app.get(ImportService);
    admin = await service.app.get(ActorsService).byEmail('admin@looptrace.invalid');
  });

  afterAll(() => service.close());

  it('imports the whole forum folder through the API: one item per etherpad line', async () => {
    const report = await importViaApi(
      service,
      ADMIN_TOKEN,
      { format: 'forum-tags', files: forum.map((file) => ({ name: file.name, content: file.content.toString('utf8') })) },
      REPORT,
    );
    expect(report.files).toHaveLength(60);
    expect(report.files.filter((file) => file.error)).toEqual([]);
    const skippedLines = new Set(report.skipped.map((skip) => quoted.find((entry) => entry.file === skip.file && entry.line === skip.line)!.key));
    expect(skippedLines.size).toBe(2);
    const records = report.files.reduce((sum, file) => sum + file.records, 0);
    expect(feedbackCount(report)).toEqual({
      kind: 'feedback',
      created: distinctLines - skippedLines.size,
      updated: 0,
      unchanged: records - (distinctLines - skippedLines.size),
      skipped: report.skipped.length,
    });
    expect(await service.count('feedback_item')).toBe(distinctLines - skippedLines.size);
    expect(await service.count('feedback_item')).toBe(208);
  });

  it('keeps a line of several tag files as one item with all its tags and +1s', async () => {
    expect(await item(SIGNUP)).toMatchObject({
      title: 'Self-service signup',
      voteCount: 3,
      importedVotes: 3,
      tags: ['newfeature', 'painpoint'],
      origin: 'OPERATOR',
      sourceUrl: 'https://etherpad.openstack.org/p/BOS-forum-Features-Missing-For-Public-Clouds',
      sourceLine: 24,
      version: 1,
    });
    expect(await item(SELF_NOMINATION)).toMatchObject({
      voteCount: 2,
      importedVotes: 2,
      tags: ['actionitem', 'emagana', 'uc'],
      sourceLine: 46,
      version: 1,
    });
    expect(await item('forum:https://etherpad.openstack.org/p/BOS-forum-ironic-feedback#51')).toMatchObject({ projects: ['ironic'], tags: ['ironic', 'painpoint'] });
  });

  it('changes nothing when the folder is imported again', async () => {
    const events = await service.count('loop_event');
    const report = await imports.run(admin, 'forum-tags', forum);
    const records = report.files.reduce((sum, file) => sum + file.records, 0);
    expect(feedbackCount(report)).toMatchObject({ created: 0, updated: 0, unchanged: records });
    expect(await service.count('loop_event')).toBe(events);
    expect(await service.count('feedback_item')).toBe(208);
  });

  it('imports CSV rows, and a second import of the same rows changes nothing', async () => {
    const before = await service.count('feedback_item');
    const rows = [
      'id,title,body,origin,projects,tags,votes,source_url,source_line',
      'ops-1,Live migration of pinned instances,"Fails with ""No valid host""",OPERATOR,nova,painpoint,2,,',
      ',Quotas per domain,Domain admins need to set quotas,USER,keystone,"quota; newfeature",1,https://etherpad.example.org/p/quotas,7',
      ',Volume multi-attach,,OPERATOR,cinder,newfeature,0,,',
    ];
    const first = await imports.run(admin, 'csv', csv(rows.join('\r\n')));
    expect(feedbackCount(first)).toEqual({ kind: 'feedback', created: 3, updated: 0, unchanged: 0, skipped: 0 });
    expect(await service.count('feedback_item')).toBe(before + 3);
    expect(await item('csv:ops-1')).toMatchObject({ origin: 'OPERATOR', projects: ['nova'], voteCount: 2 });

    const events = await service.count('loop_event');
    const moved = [rows[0], rows[3], rows[1], rows[2]];
    const second = await imports.run(admin, 'csv', csv(moved.join('\n')));
    expect(feedbackCount(second)).toEqual({ kind: 'feedback', created: 0, updated: 0, unchanged: 3, skipped: 0 });
    expect(await service.count('loop_event')).toBe(events);
  });

  it('updates only the item whose row changed', async () => {
    const [{ last }] = await service.sql<{ last: number }>('SELECT MAX(id) AS last FROM loop_event');
    const rows = [
      'id,title,body,origin,projects,tags,votes,source_url,source_line',
      'ops-1,Live migration of pinned instances,"Fails with ""No valid host""",OPERATOR,nova,painpoint,5,,',
      ',Quotas per domain,Domain admins need to set quotas,USER,keystone,"quota; newfeature",1,https://etherpad.example.org/p/quotas,7',
      ',Volume multi-attach,,OPERATOR,cinder,newfeature,0,,',
    ];
    const report = await imports.run(admin, 'csv', csv(rows.join('\n')));
    expect(feedbackCount(report)).toEqual({ kind: 'feedback', created: 0, updated: 1, unchanged: 2, skipped: 0 });
    const changed = await item('csv:ops-1');
    expect(changed).toMatchObject({ voteCount: 5, importedVotes: 5 });
    const written = await service.sql<{ type: string; record_key: string }>('SELECT type, record_key FROM loop_event WHERE id > ?', [last]);
    expect(written).toEqual([{ type: 'feedback.votes_imported', record_key: changed.key }]);
  });

  it('writes nothing of a binary file, and names it in the report with the reason', async () => {
    const items = await service.count('feedback_item');
    const events = await service.count('loop_event');
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919 + 13) % 256));
    for (const format of ['forum-tags', 'csv']) {
      const report = await imports.run(admin, format, [{ name: 'upload.bin', content: junk }]);
      expect(report.files).toEqual([{ name: 'upload.bin', records: 0, error: expect.stringContaining('not a text file') }]);
      expect(report.counts).toEqual([]);
    }
    expect(await service.count('feedback_item')).toBe(items);
    expect(await service.count('loop_event')).toBe(events);
  });
});
