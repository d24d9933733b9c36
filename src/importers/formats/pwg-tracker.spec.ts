import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionStatus, ImplementationStatus } from '../../blueprints/blueprint.enums';
import { SLUG_PATTERN } from '../../common/keys';
import { ThemeKind, ThemeStatus } from '../../themes/theme.enums';
import { BlueprintRecord, ParsedFile, ThemeRecord, UnreadableFileError } from '../importer';
import { PwgTrackerImporter, trackerDate } from './pwg-tracker';

const DATA = join(__dirname, '../../../demo/openstack-pwg');
const importer = new PwgTrackerImporter();

const parseFile = (name: string) => importer.parse({ name, content: readFileSync(join(DATA, 'trackers', name)) });
const parseJson = (value: unknown, name = 'messy.json') => importer.parse({ name, content: Buffer.from(JSON.stringify(value, null, 2)) });
const themes = (parsed: ParsedFile) => parsed.records.filter((record): record is ThemeRecord => record.kind === 'theme');
const blueprints = (parsed: ParsedFile) => parsed.records.filter((record): record is BlueprintRecord => record.kind === 'blueprint');
const gapsOf = (parsed: ParsedFile) => themes(parsed).filter((theme) => theme.themeKind === ThemeKind.GAP);
const blueprintOf = (parsed: ParsedFile, project: string, name: string) =>
  blueprints(parsed).find((blueprint) => blueprint.project === project && blueprint.name === name);

/** Bytes that look like nothing, the same on every run. */
function junk(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let seed = 7;
  for (let at = 0; at < length; at++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    bytes[at] = seed >> 23;
  }
  bytes[10] = 0;
  return bytes;
}


/** What the importer said of a file: what it left out, then what records were imported without. */
const said = (parsed: ParsedFile) => [...parsed.skips, ...(parsed.notes ?? [])];

describe('the pwg-tracker format', () => {
  it('reads the JSON files of a folder', () => {
    expect(importer.format).toBe('pwg-tracker');
    expect(importer.accepts('trackers/rolling-upgrades.json')).toBe(true);
    expect(importer.accepts('ROLLING.JSON')).toBe(true);
    expect(importer.accepts('rolling-upgrades.rst')).toBe(false);
  });

  describe('the rolling upgrades tracker (sample-tracker.json)', () => {
    const parsed = parseFile('sample-tracker.json');
    const story = themes(parsed).find((theme) => theme.themeKind === ThemeKind.USER_STORY)!;

    it('is one user story, keyed like its proposal', () => {
      expect(themes(parsed).filter((theme) => theme.themeKind === ThemeKind.USER_STORY)).toHaveLength(1);
      expect(story).toMatchObject({
        sourceKey: 'pwg:user-story:rolling-upgrades',
        title: 'Rolling Upgrades',
        status: ThemeStatus.IN_PROGRESS,
        at: { file: 'sample-tracker.json', path: 'description' },
      });
      expect(story.links).toBeUndefined();
      expect(story.description).toBeUndefined();
    });

    it('has two gaps under the story', () => {
      expect(gapsOf(parsed).map((gap) => [gap.title, gap.sourceKey, gap.parentSourceKey, gap.status])).toEqual([
        ['Versioned Objects', 'pwg:user-story:rolling-upgrades:task:versioned-objects', story.sourceKey, ThemeStatus.IN_PROGRESS],
        ['Online Schema Change', 'pwg:user-story:rolling-upgrades:task:online-schema-change', story.sourceKey, ThemeStatus.IN_PROGRESS],
      ]);
    });

    it('keeps a cross-project spec given by name as text, with the gerrit topic and the date the tracking began', () => {
      const [objects, schema] = gapsOf(parsed);
      expect(objects.specUrl).toBeUndefined();
      expect(objects.gerritTopic).toBe('tooz');
      expect(objects.description).toBe('Cross-project spec: chronicles-of-a-dlm\nTracked since 2016-03-23.');
      expect(schema.gerritTopic).toBe('online-schema-changes');
      expect(schema.description).toContain('Cross-project spec: no-downward-sql-migration');
      expect(JSON.stringify(parsed)).not.toMatch(/FirstName|email@domain/);
    });

    it('has nova and cinder under the first gap, nova, cinder and keystone under the second', () => {
      const projectsOf = (gap: ThemeRecord) => blueprints(parsed).filter((blueprint) => blueprint.themeSourceKey === gap.sourceKey).map((blueprint) => blueprint.project);
      const [objects, schema] = gapsOf(parsed);
      expect(projectsOf(objects)).toEqual(['nova', 'cinder']);
      expect(projectsOf(schema)).toEqual(['nova', 'cinder', 'keystone']);
    });

    it("records nova's service-version-number as implemented and delivered in Liberty", () => {
      expect(blueprintOf(parsed, 'nova', 'service-version-number')).toEqual({
        kind: 'blueprint',
        sourceKey: 'pwg:user-story:rolling-upgrades:task:versioned-objects:blueprint:nova/service-version-number',
        at: { file: 'sample-tracker.json', path: 'tasks_status["Versioned Objects"].projects_status["nova"].blueprints["bp/service-version-number"]' },
        project: 'nova',
        name: 'service-version-number',
        title: 'Service version number',
        specUrl: 'http://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/service-version-number.html',
        definitionStatus: DefinitionStatus.APPROVED,
        implementationStatus: ImplementationStatus.IMPLEMENTED,
        targetRelease: 'Liberty',
        deliveredIn: 'Liberty',
        themeSourceKey: 'pwg:user-story:rolling-upgrades:task:versioned-objects',
      });
    });

    it('reads a bare blueprint name as well as bp/<name>', () => {
      expect(blueprintOf(parsed, 'nova', 'online-schema-changes')).toMatchObject({ deliveredIn: 'Liberty', title: 'Online schema changes' });
    });

    it("takes the target release from a spec that is not filed as implemented, and records no delivery", () => {
      const cinder = blueprintOf(parsed, 'cinder', 'cinder-object-fields')!;
      expect(cinder).toMatchObject({ implementationStatus: ImplementationStatus.IMPLEMENTED, targetRelease: 'Kilo' });
      expect(cinder.deliveredIn).toBeUndefined();
    });

    it("does not take a release for keystone from nova's spec, and says so", () => {
      const keystone = blueprintOf(parsed, 'keystone', 'online-schema-migration')!;
      expect(keystone.implementationStatus).toBe(ImplementationStatus.NOT_STARTED);
      expect(keystone.deliveredIn).toBeUndefined();
      expect(keystone.targetRelease).toBeUndefined();
      expect(said(parsed)).toEqual([
        {
          kind: 'blueprint',
          at: { file: 'sample-tracker.json', path: 'tasks_status["Online Schema Change"].projects_status["keystone"].spec' },
          reason: "the spec is in nova-specs, not keystone's: no release is taken from it for keystone/online-schema-migration",
        },
      ]);
    });

    it('says where every record comes from', () => {
      for (const record of parsed.records) expect(record.at).toEqual({ file: 'sample-tracker.json', path: expect.stringMatching(/^(description|tasks_status\[)/) });
    });
  });

  describe('the rolling upgrades tracker as the template left it (rolling-upgrades.json)', () => {
    const parsed = parseFile('rolling-upgrades.json');

    it('yields the story, with its source as a link', () => {
      expect(parsed.records).toEqual([
        {
          kind: 'theme',
          sourceKey: 'pwg:user-story:rolling-upgrades',
          at: { file: 'rolling-upgrades.json', path: 'description' },
          title: 'Rolling Upgrades',
          themeKind: ThemeKind.USER_STORY,
          status: ThemeStatus.IN_PROGRESS,
          links: ['https://github.com/openstack/openstack-user-stories/tree/master/user-stories/proposed/rolling-upgrades.rst'],
        },
      ]);
    });

    it('skips the placeholders, each with a reason and its path', () => {
      expect(said(parsed)).toEqual([
        {
          kind: 'theme',
          at: { file: 'rolling-upgrades.json', path: 'tasks_status[""]' },
          reason: "a task without a name (the template's placeholder); no gap made of it",
        },
        {
          kind: 'blueprint',
          at: { file: 'rolling-upgrades.json', path: 'tasks_status[""].projects_status[""].blueprints["$bp_name"]' },
          reason: "$bp_name is the template's placeholder, not a blueprint",
        },
      ]);
    });
  });

  describe('files that are no tracker', () => {
    const sample = readFileSync(join(DATA, 'trackers', 'sample-tracker.json'));

    it.each([
      ['truncated JSON', sample.subarray(0, Math.floor(sample.length / 2)), /^not valid JSON/],
      ['an empty file', Buffer.alloc(0), /^not valid JSON/],
      ['a list', Buffer.from('[{"description": "Rolling Upgrades"}]'), /^not a tracker: a tracker is a JSON object, this is a list$/],
      ['a string', Buffer.from('"Rolling Upgrades"'), /^not a tracker: a tracker is a JSON object, this is a string$/],
      ['null', Buffer.from('null'), /^not a tracker: a tracker is a JSON object, this is empty$/],
      ['an empty object', Buffer.from('{}'), /^not a tracker: it has neither a description nor tasks$/],
      ['an object of something else', Buffer.from('{"name": "nova", "version": 3}'), /^not a tracker: it has neither a description nor tasks$/],
      ['JSON with comments', Buffer.from('{ // a tracker\n "description": "x" }'), /^not valid JSON/],
      ['binary junk', junk(4096), /not a text file/],
    ])('refuses %s as unreadable', (_what, content, message) => {
      const parse = () => importer.parse({ name: 'broken.json', content });
      expect(parse).toThrow(UnreadableFileError);
      expect(parse).toThrow(message);
    });
  });

  describe('a tracker that is messy in new ways', () => {
    const parsed = parseJson({
      id: '0042',
      date: '06-01-2016',
      submitted_by: { name: 'Jane Liaison', email: 'jane@example.org' },
      description: '  Maintenance   mode for compute hosts ',
      source: 'https://github.com/openstack/openstack-user-stories/blob/master/user-stories/proposed/Maintenance-Mode.rst',
      status: 'Not-Started',
      tasks: ['Evacuate Hosts', 'Evacuate Hosts', 'Quiesce Services', 42],
      'Tasks-Status': {
        'Evacuate Hosts': {
          'Cross-Project Spec': 'https://review.openstack.org/#/c/123456/',
          'Gerrit Topic': 'https://review.openstack.org/#/q/topic:maintenance-mode',
          XP_Status: 'In Progress',
          projects: ['nova', 'Neutron', 'glance'],
          projects_status: {
            nova: {
              blueprints: {
                'https://blueprints.launchpad.net/watcher/+spec/host-maintenance': 'Complete',
                'https://bugs.launchpad.net/nova/+bug/1502325': 'Fix Released',
                'bp/Evacuate-Host': 'half-done',
                'evacuate host twice': 'done',
                '': 'started',
              },
              spec: 'https://specs.openstack.org/openstack/nova-specs/specs/mitaka/approved/evacuate.html',
              spec_status: 'Approved',
            },
            Neutron: {
              blueprints: ['port-drain', '$bp_name'],
              spec: 'https://github.com/openstack/neutron-specs/blob/master/specs/newton/implemented/port-drain.rst',
              spec_status: 'DONE',
            },
          },
        },
        'Drain Queues': {
          'cross-project spec': '',
          xp_status: 'blocked',
          projects_status: { oslo: { blueprints: { 'bp/drain': 'Blocked' }, spec: 'TBD' } },
        },
      },
    });
    const gaps = gapsOf(parsed);
    const reasonAt = (path: string) => said(parsed).filter((skip) => skip.at.path === path).map((skip) => skip.reason);

    it('reads the story, its status in any case, and its slug from the source', () => {
      expect(themes(parsed)[0]).toMatchObject({
        sourceKey: 'pwg:user-story:maintenance-mode',
        title: 'Maintenance mode for compute hosts',
        status: ThemeStatus.ACCEPTED,
        links: ['https://github.com/openstack/openstack-user-stories/blob/master/user-stories/proposed/Maintenance-Mode.rst'],
      });
    });

    it('makes a gap of every task, named in tasks or in tasks_status alone, once each', () => {
      expect(gaps.map((gap) => gap.title)).toEqual(['Evacuate Hosts', 'Quiesce Services', 'Drain Queues']);
      expect(gaps[0]).toMatchObject({
        specUrl: 'https://review.openstack.org/#/c/123456/',
        gerritTopic: 'maintenance-mode',
        status: ThemeStatus.IN_PROGRESS,
        description: 'Tracked since 2016-01-06, submitted by Jane Liaison.',
      });
      expect(gaps[2]).toMatchObject({ status: ThemeStatus.IN_PROGRESS, description: 'Tracked since 2016-01-06, submitted by Jane Liaison.' });
    });

    it('notes a task that has nothing but its name', () => {
      expect(gaps[1].at.path).toBe('tasks[2]');
      expect(reasonAt('tasks[2]')).toEqual(['task "Quiesce Services" has no entry in tasks_status; its gap is imported without blueprints']);
      expect(reasonAt('tasks[3]')).toEqual(['a task is named by a string; this is a number']);
    });

    it('takes project and name from a Launchpad blueprint address, even of another project', () => {
      expect(blueprintOf(parsed, 'watcher', 'host-maintenance')).toMatchObject({
        url: 'https://blueprints.launchpad.net/watcher/+spec/host-maintenance',
        implementationStatus: ImplementationStatus.IMPLEMENTED,
        themeSourceKey: gaps[0].sourceKey,
      });
    });

    it("keeps a bug address as a link of the gap, not as a blueprint, and reports nothing for it", () => {
      expect(gaps[0].links).toEqual(['https://bugs.launchpad.net/nova/+bug/1502325']);
      expect(blueprints(parsed).some((blueprint) => blueprint.url?.includes('bugs.launchpad'))).toBe(false);
      expect(said(parsed).some((skip) => skip.at.path?.includes('+bug'))).toBe(false);
    });

    it('leaves an unknown status word unsaid and says which word it was', () => {
      const evacuate = blueprintOf(parsed, 'nova', 'evacuate-host')!;
      expect(evacuate.implementationStatus).toBeUndefined();
      expect(evacuate.definitionStatus).toBe(DefinitionStatus.APPROVED);
      expect(evacuate.targetRelease).toBe('Mitaka');
      expect(evacuate.deliveredIn).toBeUndefined();
      expect(reasonAt('Tasks-Status["Evacuate Hosts"].projects_status["nova"].blueprints["bp/Evacuate-Host"]')).toEqual([
        '"half-done" is not a status word the importer knows; the implementation status is left as it was',
      ]);
    });

    it('skips names that are no blueprint names, and blueprints without a name', () => {
      const base = 'Tasks-Status["Evacuate Hosts"].projects_status["nova"].blueprints';
      expect(reasonAt(`${base}["evacuate host twice"]`)).toEqual(['"evacuate host twice" is not a blueprint name (letters, digits, . _ + -); left out']);
      expect(reasonAt(`${base}[""]`)).toEqual(['a blueprint without a name']);
    });

    it('reads blueprints given as a list, and a spec filed as implemented as the delivering release', () => {
      expect(blueprintOf(parsed, 'neutron', 'port-drain')).toMatchObject({
        implementationStatus: ImplementationStatus.IMPLEMENTED,
        definitionStatus: DefinitionStatus.APPROVED,
        targetRelease: 'Newton',
        deliveredIn: 'Newton',
      });
      expect(reasonAt('Tasks-Status["Evacuate Hosts"].projects_status["Neutron"].blueprints[1]')).toEqual(["$bp_name is the template's placeholder, not a blueprint"]);
    });

    it('reports a project listed without a status, and a spec that is no address', () => {
      expect(reasonAt('Tasks-Status["Evacuate Hosts"].projects[2]')).toEqual(['project glance is listed but has no entry in projects_status; no blueprint to import']);
      expect(reasonAt('Tasks-Status["Drain Queues"].projects_status["oslo"].spec')).toEqual([]);
      expect(blueprintOf(parsed, 'oslo', 'drain')).toMatchObject({ implementationStatus: ImplementationStatus.BLOCKED, themeSourceKey: gaps[2].sourceKey });
    });

    it('says where everything comes from', () => {
      for (const record of parsed.records) expect(record.at.file).toBe('messy.json');
      for (const skip of said(parsed)) expect(skip.at.path).toBeTruthy();
    });
  });

  describe('odd dates, sources and specs', () => {
    it('reports a date that is no day of the calendar and leaves it out', () => {
      const parsed = parseJson({ description: 'Story', date: '31-02-2016', tasks: ['One'] });
      expect(said(parsed)).toContainEqual({
        kind: 'theme',
        at: { file: 'messy.json', path: 'date' },
        reason: '"31-02-2016" is not a date (2017-01-10, or day-month-year as 06-01-2016); left out',
      });
      expect(gapsOf(parsed)[0].description).toBeUndefined();
    });

    it('names the story after its description when the source says nothing, and after the file when neither does', () => {
      expect(themes(parseJson({ description: 'Rolling Upgrades!', source: '' }))[0].sourceKey).toBe('pwg:user-story:rolling-upgrades');
      const untitled = themes(parseJson({ tasks: ['Versioned Objects'] }, 'trackers/db-hygiene.json'))[0];
      expect(untitled).toMatchObject({ sourceKey: 'pwg:user-story:db-hygiene', title: 'Db hygiene' });
    });

    it('keeps a long description whole and cuts the title', () => {
      const long = `Rolling upgrades ${'without downtime '.repeat(20)}`.trim();
      const story = themes(parseJson({ description: long, source: 'rolling-upgrades' }))[0];
      expect(story.title.length).toBeLessThanOrEqual(200);
      expect(story.title.endsWith('…')).toBe(true);
      expect(story.description).toBe(long);
    });

    it('keeps descriptions within what a theme holds', () => {
      const huge = 'word '.repeat(5000);
      const parsed = parseJson({ description: huge, tasks_status: { Gap: { 'cross-project spec': huge } } });
      for (const theme of themes(parsed)) expect(theme.description!.length).toBeLessThanOrEqual(20000);
    });

    it('notes an unknown story status and a spec that is plain text', () => {
      const parsed = parseJson({
        description: 'Story',
        status: 'meh',
        tasks_status: { Gap: { projects_status: { nova: { blueprints: { 'bp/x': 'pending' }, spec: 'somewhere on the wiki', spec_status: 'so-so' } } } },
      });
      expect(themes(parsed)[0].status).toBeUndefined();
      expect(said(parsed).map((skip) => [skip.at.path, skip.reason])).toEqual([
        ['status', `"meh" is not a status word the importer knows; the story's status is left as it was`],
        ['tasks_status["Gap"].projects_status["nova"].spec', 'spec "somewhere on the wiki" is not a link; left out'],
        ['tasks_status["Gap"].projects_status["nova"].spec_status', `"so-so" is not a status word the importer knows; the spec's status is left as it was`],
      ]);
      expect(blueprintOf(parsed, 'nova', 'x')).toMatchObject({ implementationStatus: ImplementationStatus.NOT_STARTED, specUrl: undefined });
    });

    it('records no delivery when the tracker says the work has not begun, whatever the spec folder says', () => {
      const parsed = parseJson({
        description: 'Story',
        tasks_status: {
          Gap: { projects_status: { nova: { blueprints: { 'bp/x': 'deferred' }, spec: 'https://specs.openstack.org/openstack/nova-specs/specs/pike/implemented/x.html' } } },
        },
      });
      expect(blueprintOf(parsed, 'nova', 'x')).toMatchObject({ implementationStatus: ImplementationStatus.DEFERRED, targetRelease: 'Pike', deliveredIn: undefined });
      expect(said(parsed).map((skip) => skip.reason)).toEqual(['the spec is filed as implemented in Pike but the tracker says DEFERRED; no delivery recorded']);
    });

    it('lets the blueprints of an unnamed task answer the story itself', () => {
      const parsed = parseJson({ description: 'Story', tasks_status: { '': { projects_status: { nova: { blueprints: { 'bp/x': 'started' } } } } } });
      expect(gapsOf(parsed)).toEqual([]);
      expect(blueprintOf(parsed, 'nova', 'x')?.themeSourceKey).toBe('pwg:user-story:story');
    });
  });

  it.each([
    ['2017-01-10', '2017-01-10'],
    ['06-01-2016', '2016-01-06'],
    ['23-03-2016', '2016-03-23'],
    ['2016-2-9', '2016-02-09'],
    ['29/02/2016', '2016-02-29'],
    ['29-02-2017', null],
    ['31-04-2016', null],
    ['2016-13-01', null],
    ['00-01-2016', null],
    ['2016-01-00', null],
    ['03-23-2016', null],
    ['yesterday', null],
    ['', null],
  ])('reads the date %j as %j', (written, expected) => {
    expect(trackerDate(written)).toBe(expected);
  });

  describe('any tracker, however messy', () => {
    const word = fc.oneof(
      fc.constantFrom(
        '', ' ', '$bp_name', '$bp_status', 'nova', 'Nova Compute', 'bp/x', 'Complete', 'in-progress', 'FirstName LastName', 'None',
        'https://blueprints.launchpad.net/keystone/+spec/y', 'https://bugs.launchpad.net/nova/+bug/1',
        'http://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/x.html', '06-01-2016', '31-02-2016', 'constructor',
      ),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        word,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('any'), { maxLength: 3 }),
        fc.dictionary(word, tie('any'), { maxKeys: 3 }),
      ),
    })).any;
    /** Mostly well formed, so that the structure underneath gets read too. */
    const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: value });
    const name = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('nova', 'Cinder', 'bp/service-version', 'online-schema', 'https://blueprints.launchpad.net/keystone/+spec/y') },
      { weight: 1, arbitrary: word },
    );
    const status = mostly(fc.constantFrom('Complete', 'in-progress', 'pending', 'approved', '', 'half-done'));
    const spec = mostly(
      fc.constantFrom('http://specs.openstack.org/openstack/nova-specs/specs/liberty/implemented/x.html', 'https://github.com/openstack/cinder-specs/blob/master/specs/kilo/x.rst'),
    );
    const project = fc.record({ blueprints: mostly(fc.dictionary(name, status, { maxKeys: 4 })), spec, spec_status: status }, { requiredKeys: [] });
    const task = fc.record(
      { 'cross-project spec': value, 'gerrit-topic': value, xp_status: status, projects: value, projects_status: mostly(fc.dictionary(name, project, { maxKeys: 3 })) },
      { requiredKeys: [] },
    );
    const tracker = fc.record(
      { description: value, source: value, status, date: value, submitted_by: value, tasks: value, tasks_status: mostly(fc.dictionary(word, task, { maxKeys: 3 })) },
      { requiredKeys: [] },
    );

    it('becomes consistent records, or is refused as unreadable', () => {
      fc.assert(
        fc.property(fc.oneof(tracker, fc.jsonValue()), (content) => {
          let parsed: ParsedFile;
          try {
            parsed = parseJson(content, 'any.json');
          } catch (error) {
            expect(error).toBeInstanceOf(UnreadableFileError);
            return;
          }
          const keys = parsed.records.map((record) => record.sourceKey);
          expect(new Set(keys).size).toBe(keys.length);
          const [story, ...rest] = themes(parsed);
          expect(story.themeKind).toBe(ThemeKind.USER_STORY);
          expect(story.sourceKey).toMatch(/^pwg:user-story:[a-z0-9]+(-[a-z0-9]+)*$/);
          for (const gap of rest) expect(gap).toMatchObject({ themeKind: ThemeKind.GAP, parentSourceKey: story.sourceKey });
          for (const theme of themes(parsed)) {
            expect(theme.title.trim().length).toBeGreaterThan(0);
            expect(theme.title.length).toBeLessThanOrEqual(200);
            expect((theme.description ?? '').length).toBeLessThanOrEqual(20000);
            for (const link of theme.links ?? []) expect(link).toMatch(/^https?:\/\//);
          }
          for (const blueprint of blueprints(parsed)) {
            expect(blueprint.project).toMatch(SLUG_PATTERN);
            expect(blueprint.name).toMatch(SLUG_PATTERN);
            expect(keys).toContain(blueprint.themeSourceKey);
            if (blueprint.deliveredIn) expect(blueprint.implementationStatus).toBe(ImplementationStatus.IMPLEMENTED);
          }
          for (const record of parsed.records) expect(record.at).toEqual({ file: 'any.json', path: expect.any(String) });
          for (const skip of said(parsed)) expect(skip.at.path).toEqual(expect.any(String));
        }),
        { numRuns: 500 },
      );
    });
  });
});
