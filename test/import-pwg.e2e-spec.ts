import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor } from '../src/actors/actor.entity';
import { ActorsService } from '../src/actors/actors.service';
import { ImportReport } from '../src/importers/dto/import.models';
import { ImportService } from '../src/importers/import.service';
import { ImportFile } from '../src/importers/importer';
import { importViaApi } from './support/imports';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

const DATA = join(__dirname, '../demo/openstack-pwg');
const STORY = 'pwg:user-story:rolling-upgrades';
const SCHEMA_GAP = `${STORY}:task:online-schema-change`;

const REPORT = `format dryRun
  files { name records error }
  counts { kind created updated unchanged skipped }
  skipped { kind file line path reason }
  notes { kind file line path reason }`;

/** What the blueprint query selects. */
interface ImportedBlueprint {
  title: string;
  implementationStatus: string;
  definitionStatus: string;
  specUrl: string | null;
  targetRelease: { name: string } | null;
  outcomes: Array<{ result: string; release: { name: string }; recordedBy: { email: string } }>;
  themes: Array<{ title: string; kind: string }>;
}

interface ImportedTheme {
  kind: string;
  status: string;
  description: string;
  specUrl: string;
  links: string[];
  children: Array<{ title: string; kind: string; status: string; blueprints: Array<{ project: string; name: string }> }>;
}

interface TimelineEvent {
  type: string;
  actor: { email: string } | null;
  after: { stage?: string } | null;
}

/** Text as text, anything else as base64, as a client of the API would send them. */
function asInput(file: ImportFile) {
  const text = file.content.toString('utf8');
  return Buffer.from(text, 'utf8').equals(file.content) && !text.includes('\0')
    ? { name: file.name, content: text, encoding: 'TEXT' }
    : { name: file.name, content: file.content.toString('base64'), encoding: 'BASE64' };
}

function filesIn(folder: string, extension: string): ImportFile[] {
  return readdirSync(join(DATA, folder))
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => ({ name: `${folder}/${name}`, content: readFileSync(join(DATA, folder, name)) }));
}

/** The working group's trackers and proposals imported through the real service and database file. */
describe('importing user story trackers and development proposals', () => {
  let service: TestService;
  let imports: ImportService;
  let importer: Actor;
  let importerEmail: string;
  let scratch: string;
  /** By folder: all of them at once would go over the size of request the HTTP server accepts. */
  const proposalFolders = [filesIn('proposals/proposed', '.rst'), filesIn('proposals/parking', '.rst')];
  const trackers = filesIn('trackers', '.json');

  const viaApi = (format: string, files: ImportFile[], dryRun = false) =>
    importViaApi(service, ADMIN_TOKEN, { format, dryRun, files: files.map(asInput) }, REPORT);
  const countOf = (report: ImportReport, kind: string) => report.counts.find((count) => count.kind === kind);
  const themeKey = async (sourceKey: string) => `TH-${await imports.recordOf('theme', sourceKey)}`;
  const blueprint = async (project: string, name: string) =>
    (
      await service.ok<{ blueprint: ImportedBlueprint }>(
        ADMIN_TOKEN,
        `query($project: String!, $name: String!) {
          blueprint(project: $project, name: $name) {
            title implementationStatus definitionStatus specUrl targetRelease { name }
            outcomes { result release { name } recordedBy { email } }
            themes { title kind }
          }
        }`,
        { project, name },
      )
    ).blueprint;

  beforeAll(async () => {
    service = await startService();
    imports = service.app.get(ImportService);
    importerEmail = (await service.actor('ADMIN', 'Ivy Importer')).email;
    importer = await service.app.get(ActorsService).byEmail(importerEmail);
    scratch = mkdtempSync(join(tmpdir(), 'looptrace-pwg-'));
  });

  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await service.close();
  });

  it('imports every proposal and every tracker through the API, into one rolling upgrades story', async () => {
    for (const proposals of proposalFolders) {
      const proposed = await viaApi('pwg-proposal', proposals);
      expect(proposed.files.filter((file) => file.error)).toEqual([]);
      expect(proposed.files).toHaveLength(proposals.length);
      expect(countOf(proposed, 'theme')).toEqual({ kind: 'theme', created: proposals.length, updated: 0, unchanged: 0, skipped: 0 });
    }
    expect(proposalFolders.flat()).toHaveLength(17);

    const tracked = await viaApi('pwg-tracker', trackers);
    expect(tracked.files).toEqual([
      { name: 'trackers/rolling-upgrades.json', records: 1, error: null },
      { name: 'trackers/sample-tracker.json', records: 8, error: null },
    ]);
    expect(countOf(tracked, 'theme')).toEqual({ kind: 'theme', created: 2, updated: 1, unchanged: 1, skipped: 1 });
    expect(countOf(tracked, 'blueprint')).toEqual({ kind: 'blueprint', created: 5, updated: 0, unchanged: 0, skipped: 1 });
    expect(tracked.skipped.map((skip) => [skip.file, skip.path])).toEqual([
      ['trackers/rolling-upgrades.json', 'tasks_status[""]'],
      ['trackers/rolling-upgrades.json', 'tasks_status[""].projects_status[""].blueprints["$bp_name"]'],
    ]);
    // keystone's blueprint is imported, without the release nova's spec would have given it.
    expect(tracked.notes.map((note) => [note.file, note.path])).toEqual([
      ['trackers/sample-tracker.json', 'tasks_status["Online Schema Change"].projects_status["keystone"].spec'],
    ]);

    expect(await service.count('theme')).toBe(17 + 2);
    const { theme } = await service.ok<{ theme: ImportedTheme }>(
      ADMIN_TOKEN,
      `query($key: String!) { theme(key: $key) { kind status description specUrl links children { title kind status blueprints { project name } } } }`,
      { key: await themeKey(STORY) },
    );
    expect(theme.kind).toBe('USER_STORY');
    expect(theme.status).toBe('IN_PROGRESS');
    expect(theme.description).toMatch(/^Problem: OpenStack operators often shy away from upgrading/);
    expect(theme.description).toContain('\n\nUse cases:\n- As Quinn the Application Developer');
    expect(theme.specUrl).toBe('https://review.openstack.org/290977');
    expect([...theme.links].sort()).toEqual([
      'https://github.com/openstack/openstack-user-stories/tree/master/tracker/rolling-upgrades.json',
      'https://github.com/openstack/openstack-user-stories/tree/master/user-stories/proposed/rolling-upgrades.rst',
    ]);
    const children = theme.children.map((child) => [child.title, child.kind, child.blueprints.map((bp) => bp.project).sort()]);
    expect(children).toEqual([
      ['Versioned Objects', 'GAP', ['cinder', 'nova']],
      ['Online Schema Change', 'GAP', ['cinder', 'keystone', 'nova']],
    ]);
  });

  it("records each project's blueprint with what its tracker and its spec say", async () => {
    expect(await blueprint('nova', 'service-version-number')).toMatchObject({
      title: 'Service version number',
      implementationStatus: 'IMPLEMENTED',
      definitionStatus: 'APPROVED',
      targetRelease: { name: 'Liberty' },
      outcomes: [{ result: 'DELIVERED', release: { name: 'Liberty' }, recordedBy: { email: 'admin@looptrace.invalid' } }],
      themes: [{ title: 'Versioned Objects', kind: 'GAP' }],
    });
    expect(await blueprint('keystone', 'online-schema-migration')).toMatchObject({
      implementationStatus: 'NOT_STARTED',
      targetRelease: null,
      outcomes: [],
      themes: [{ title: 'Online Schema Change', kind: 'GAP' }],
    });
    expect(await blueprint('cinder', 'cinder-object-fields')).toMatchObject({ implementationStatus: 'IMPLEMENTED', targetRelease: { name: 'Kilo' }, outcomes: [] });
  });

  it('changes nothing when the same files come again', async () => {
    const events = await service.count('loop_event');
    for (const [format, files] of [...proposalFolders.map((proposals) => ['pwg-proposal', proposals] as const), ['pwg-tracker', trackers] as const]) {
      const report = await viaApi(format, files);
      expect(report.files.filter((file) => file.error)).toEqual([]);
      for (const count of report.counts) expect(count).toMatchObject({ created: 0, updated: 0 });
      expect(report.counts.reduce((sum, count) => sum + count.unchanged, 0)).toBe(report.files.reduce((sum, file) => sum + file.records, 0));
    }
    expect(await service.count('loop_event')).toBe(events);
  });

  describe('an updated tracker', () => {
    let feedbackKey: string;
    let updated: ImportFile;

    /** The liaison's update after Mitaka: keystone's work completed, and both specs filed as implemented. */
    beforeAll(async () => {
      const tracker = JSON.parse(readFileSync(join(DATA, 'trackers/sample-tracker.json'), 'utf8'));
      const schema = tracker.tasks_status['Online Schema Change'].projects_status;
      schema.keystone.blueprints['bp/online-schema-migration'] = 'completed';
      schema.keystone.spec_status = 'completed';
      schema.keystone.spec = 'https://specs.openstack.org/openstack/keystone-specs/specs/mitaka/implemented/online-schema-migration.html';
      schema.cinder.spec = 'https://github.com/openstack/cinder-specs/blob/master/specs/kilo/implemented/online-schema-upgrades.rst';
      const path = join(scratch, 'sample-tracker.json');
      writeFileSync(path, JSON.stringify(tracker, null, 4));
      updated = { name: path, content: readFileSync(path) };

      const operator = await service.actor('OPERATOR', 'Olga Operator');
      const pm = await service.actor('PRODUCT_MANAGER', 'Pat Manager');
      const submitted = await service.api.submitFeedback(operator.token, {
        title: 'Upgrade the database schema without downtime',
        body: 'Every upgrade stops our API.',
        origin: 'OPERATOR',
        projects: ['keystone'],
      });
      feedbackKey = submitted.key;
      await service.api.triageFeedback(pm.token, { key: feedbackKey, note: 'Known gap' });
      await service.api.linkFeedbackToTheme(pm.token, { feedbackKey, themeKey: await themeKey(SCHEMA_GAP), rationale: 'the online schema gap' });
    });

    const loop = async () =>
      (
        await service.ok<{ loop: { stage: string; waitingOn: string[]; completedIn: { name: string } | null; timeline: { nodes: TimelineEvent[] } } }>(
          ADMIN_TOKEN,
          `query($key: String!) { loop(key: $key) { stage waitingOn completedIn { name } timeline(first: 100) { nodes { type actor { email } after } } } }`,
          { key: feedbackKey },
        )
      ).loop;

    it('is reported but not written by a dry run', async () => {
      expect((await loop()).stage).toBe('IN_DEVELOPMENT');
      const events = await service.count('loop_event');
      const outcomes = await service.count('release_outcome');
      const report = await viaApi('pwg-tracker', [updated], true);
      expect(report.dryRun).toBe(true);
      expect(report.files).toEqual([{ name: updated.name, records: 8, error: null }]);
      expect(countOf(report, 'blueprint')).toEqual({ kind: 'blueprint', created: 0, updated: 2, unchanged: 3, skipped: 0 });
      expect(await service.count('loop_event')).toBe(events);
      expect(await service.count('release_outcome')).toBe(outcomes);
      expect((await blueprint('keystone', 'online-schema-migration')).implementationStatus).toBe('NOT_STARTED');
      expect((await loop()).stage).toBe('IN_DEVELOPMENT');
    });

    it('updates the blueprints through the normal services, as the importing actor, and moves the loop', async () => {
      const before = await loop();
      expect(before.waitingOn).toEqual([
        'cinder blueprint online-schema-upgrades implemented, no release has delivered it yet, target Kilo',
        'keystone blueprint online-schema-migration not started',
      ]);

      const report = await imports.run(importer, 'pwg-tracker', [updated]);
      expect(countOf(report, 'blueprint')).toEqual({ kind: 'blueprint', created: 0, updated: 2, unchanged: 3, skipped: 0 });
      expect(countOf(report, 'theme')).toEqual({ kind: 'theme', created: 0, updated: 0, unchanged: 3, skipped: 0 });

      const keystone = await blueprint('keystone', 'online-schema-migration');
      expect(keystone).toMatchObject({
        implementationStatus: 'IMPLEMENTED',
        definitionStatus: 'APPROVED',
        targetRelease: { name: 'Mitaka' },
        outcomes: [{ result: 'DELIVERED', release: { name: 'Mitaka' }, recordedBy: { email: importerEmail } }],
      });
      const { events } = await service.ok<{ events: { nodes: Array<{ actor: { email: string } | null; before: unknown; after: unknown }> } }>(
        ADMIN_TOKEN,
        `{ events(filter: { recordKey: "keystone/online-schema-migration", types: ["blueprint.updated"] }) { nodes { actor { email } before after } } }`,
      );
      expect(events.nodes).toHaveLength(1);
      expect(events.nodes[0]).toMatchObject({
        actor: { email: importerEmail },
        before: { implementationStatus: 'NOT_STARTED' },
        after: { implementationStatus: 'IMPLEMENTED', definitionStatus: 'APPROVED' },
      });

      const after = await loop();
      expect(after.stage).toBe('RELEASED');
      expect(after.completedIn).toEqual({ name: 'Mitaka' });
      const released = after.timeline.nodes.filter((event) => event.type === 'loop.stage_changed' && event.after?.stage === 'RELEASED');
      expect(released).toEqual([{ type: 'loop.stage_changed', actor: { email: importerEmail }, after: { stage: 'RELEASED' } }]);
    });

    it('changes nothing when it comes again', async () => {
      const events = await service.count('loop_event');
      const report = await imports.run(importer, 'pwg-tracker', [updated]);
      expect(countOf(report, 'blueprint')).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
      expect(await service.count('loop_event')).toBe(events);
    });
  });

  it('writes nothing of a file it cannot read, and the report names the file and why', async () => {
    const events = await service.count('loop_event');
    const themes = await service.count('theme');
    const sample = readFileSync(join(DATA, 'trackers/sample-tracker.json'));
    const junk = Buffer.from(Array.from({ length: 512 }, (_value, at) => (at * 37 + 11) % 256));
    const tracked = await viaApi('pwg-tracker', [
      { name: 'truncated.json', content: sample.subarray(0, 700) },
      { name: 'junk.json', content: junk },
      { name: 'list.json', content: Buffer.from('[]') },
    ]);
    expect(tracked.files).toEqual([
      { name: 'truncated.json', records: 0, error: expect.stringMatching(/^not valid JSON/) },
      { name: 'junk.json', records: 0, error: 'not a text file: it holds NUL bytes' },
      { name: 'list.json', records: 0, error: 'not a tracker: a tracker is a JSON object, this is a list' },
    ]);
    const proposed = await viaApi('pwg-proposal', [{ name: 'notes.rst', content: Buffer.from('Some notes, and no title.\n') }]);
    expect(proposed.files).toEqual([{ name: 'notes.rst', records: 0, error: 'no title: a proposal starts with its title, underlined with = or -' }]);
    for (const report of [tracked, proposed]) expect(report.counts).toEqual([]);
    expect(await service.count('loop_event')).toBe(events);
    expect(await service.count('theme')).toBe(themes);
  });
});
