import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedbackOrigin } from '../../feedback/feedback.enums';
import { FeedbackRecord, ImportFile, ParsedFile, UnreadableFileError } from '../importer';
import { countVotes, ForumTagsImporter, OPENSTACK_PROJECTS, titleOf } from './forum-tags';

const FOLDER = join(__dirname, '../../../demo/openstack-pwg/forum-2017-boston');
const PUBLIC_CLOUDS = 'https://etherpad.openstack.org/p/BOS-forum-Features-Missing-For-Public-Clouds';
const USER_COMMITTEE = 'https://etherpad.openstack.org/p/BOS-forum-user-committee-session';

const importer = new ForumTagsImporter();
const file = (name: string, text: string | Buffer): ImportFile => ({ name, content: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8') });
const feedback = (parsed: ParsedFile) => parsed.records as FeedbackRecord[];
const withoutPlace = ({ at: _at, ...said }: FeedbackRecord) => said;

describe('forum-tags on the Boston Forum tag lists', () => {
  const names = readdirSync(FOLDER).filter((name) => importer.accepts(name)).sort();
  const parsed = new Map(names.map((name) => [name, importer.parse({ name, content: readFileSync(join(FOLDER, name)) })]));
  const all = [...parsed.values()].flatMap(feedback);
  /** Every etherpad line the files quote, read without the importer. */
  const quoted = names.flatMap((name) =>
    readFileSync(join(FOLDER, name), 'utf8')
      .split('\n')
      .map((line, index) => ({ name, line: index + 1, match: /^(https?:\S+): (\d+): /.exec(line) }))
      .filter((entry) => entry.match)
      .map((entry) => ({ ...entry, key: `forum:${entry.match![1]}#${entry.match![2]}` })),
  );

  it('reads every file of the folder, and every line of it becomes a record or a skip', () => {
    expect(names.length).toBe(60);
    for (const name of names) {
      const lines = readFileSync(join(FOLDER, name), 'utf8').split('\n').filter((line) => line.trim()).length;
      const result = parsed.get(name)!;
      expect(result.records.length + result.skips.length).toBe(lines);
    }
  });

  it('makes one record per etherpad line, however many tag files it is in', () => {
    const distinctLines = new Set(quoted.map((entry) => entry.key));
    expect(distinctLines.size).toBe(210);
    const skippedLines = new Set(
      [...parsed.entries()].flatMap(([name, result]) =>
        result.skips.map((skip) => quoted.find((entry) => entry.name === name && entry.line === skip.at.line)!.key),
      ),
    );
    expect([...skippedLines].sort()).toEqual([
      'forum:https://etherpad.openstack.org/p/BOS-forum-i18n-translation-feedback-from-users#19',
      'forum:https://etherpad.openstack.org/p/cloud-native-forum#15',
    ]);
    const keys = new Set(all.map((record) => record.sourceKey));
    expect(keys.size).toBe(distinctLines.size - skippedLines.size);
    expect(all.length).toBeGreaterThan(keys.size);
  });

  it('gives a line the same record in every file it appears in', () => {
    const byKey = new Map<string, FeedbackRecord[]>();
    for (const record of all) byKey.set(record.sourceKey, [...(byKey.get(record.sourceKey) ?? []), record]);
    const repeated = [...byKey.values()].filter((records) => records.length > 1);
    expect(repeated.length).toBeGreaterThan(30);
    for (const records of repeated) {
      for (const record of records) expect(withoutPlace(record)).toEqual(withoutPlace(records[0]));
    }
  });

  it('tags every record with the tag of its file', () => {
    for (const [name, result] of parsed) {
      const tag = name.replace(/^TAG-(.+)\.md$/, '$1');
      for (const record of feedback(result)) expect(record.tags).toContain(tag);
    }
  });

  it('reads the self-service signup line: three +1s under two tags, in both tag files', () => {
    const key = `forum:${PUBLIC_CLOUDS}#24`;
    const [painpoint, newfeature] = ['TAG-painpoint.md', 'TAG-newfeature.md'].map((name) => feedback(parsed.get(name)!).find((record) => record.sourceKey === key));
    expect(painpoint).toEqual({
      kind: 'feedback',
      sourceKey: key,
      at: { file: 'TAG-painpoint.md', line: 1 },
      title: 'Self-service signup',
      body: '* Self-service signup - +1+1+1 ##painpoint ##newfeature',
      origin: FeedbackOrigin.OPERATOR,
      projects: [],
      tags: ['newfeature', 'painpoint'],
      sourceUrl: PUBLIC_CLOUDS,
      sourceLine: 24,
      importedVotes: 3,
    });
    expect(withoutPlace(newfeature!)).toEqual(withoutPlace(painpoint!));
    expect(newfeature!.at).toEqual({ file: 'TAG-newfeature.md', line: 1 });
  });

  it('reads the self-nomination line: three tags and two +1s, one on each side of the tags, in all three tag files', () => {
    const key = `forum:${USER_COMMITTEE}#46`;
    const records = ['TAG-uc.md', 'TAG-actionitem.md', 'TAG-emagana.md'].map((name) => feedback(parsed.get(name)!).find((record) => record.sourceKey === key)!);
    for (const record of records) {
      expect(withoutPlace(record)).toEqual({
        kind: 'feedback',
        sourceKey: key,
        title: 'repo for self-nomination (I will take it)',
        body: '* repo for self-nomination +1  ##uc ##actionitem ##emagana (I will take it)+1',
        origin: FeedbackOrigin.OPERATOR,
        projects: [],
        tags: ['actionitem', 'emagana', 'uc'],
        sourceUrl: USER_COMMITTEE,
        sourceLine: 46,
        importedVotes: 2,
      });
    }
  });

  it('reads tags glued together, in angle brackets and in capitals, and keeps ##painpoints apart from ##painpoint', () => {
    const find = (key: string) => all.find((record) => record.sourceKey === `forum:https://etherpad.openstack.org/p/${key}`)!;
    expect(find('BOS-forum-skip-level-upgrading#123').tags).toEqual(['actionitem', 'all-projects']);
    expect(find('BOS-forum-LCOOGetToKnow#49').tags).toEqual(['actionitem', 'lcoo']);
    expect(find('BOS-forum-developer-openstack-org#11')).toMatchObject({ tags: ['actions'], importedVotes: 0 });
    expect(find('BOS-API-WG-BOF#38').tags).toEqual(['action']);
    expect(find('BOS-forum-product-wg-working-session#52').tags).toEqual(['painpoints']);
    expect(find('BOS-forum-ironic-feedback#51')).toMatchObject({ tags: ['ironic', 'painpoint'], projects: ['ironic'], title: 'no concept of locality' });
    expect(find('BOS-forum-consumable-keystone#45')).toMatchObject({ tags: ['gnocchi', 'grafana', 'keystone'], projects: ['gnocchi', 'keystone'] });
    expect(find('Achieving_Resiliency_at_Scales_of_1000+#37')).toMatchObject({ title: 'Can pwg or ewg help with this?', tags: ['ewg', 'pwg'] });
  });

  it('counts as votes exactly the +1 marks of the files', () => {
    const votes = Object.fromEntries(
      [...new Map(all.map((record) => [record.sourceKey, record])).values()].filter((record) => record.importedVotes).map((record) => [record.sourceKey, record.importedVotes]),
    );
    expect(votes).toEqual({
      [`forum:${PUBLIC_CLOUDS}#24`]: 3,
      'forum:https://etherpad.openstack.org/p/BOS-forum-LCOORoadmap#116': 2,
      'forum:https://etherpad.openstack.org/p/BOS-forum-consumable-keystone#46': 1,
      'forum:https://etherpad.openstack.org/p/BOS-forum-enterprise-wg-working-session#61': 1,
      'forum:https://etherpad.openstack.org/p/BOS-forum-product-wg-working-session#58': 2,
      [`forum:${USER_COMMITTEE}#45`]: 1,
      [`forum:${USER_COMMITTEE}#46`]: 2,
      [`forum:${USER_COMMITTEE}#67`]: 1,
    });
  });

  it('says why a line with nothing but tags is skipped', () => {
    expect(parsed.get('TAG-deployment-team.md')!.skips).toEqual([
      { kind: 'feedback', at: { file: 'TAG-deployment-team.md', line: 1 }, reason: expect.stringContaining('##Deployment-team  ##LCOO') },
    ]);
  });
});

describe('forum-tags lines', () => {
  it('counts +1 runs, and not +10, +12, N+1 or a quoted "+1"', () => {
    expect(countVotes('* Self-service signup - +1+1+1 ##painpoint')).toBe(3);
    expect(countVotes('+1 good idea (me too)+1')).toBe(2);
    expect(countVotes('+1. +1!')).toBe(2);
    expect(countVotes('raise it to +10 or +12')).toBe(0);
    expect(countVotes('N+1 upgrades, n+2 upgrades')).toBe(0);
    expect(countVotes('mark good ideas with "+1"')).toBe(0);
  });

  it('titles a line by its statement, without bullets, labels, +1s and arrows', () => {
    expect(titleOf('* Post-forum Analysis +1+1  ##pwg ##actionitem')).toBe('Post-forum Analysis');
    expect(titleOf('1. Monthly IRC meeting of the WG chairs ##actionitem ##nfv')).toBe('Monthly IRC meeting of the WG chairs');
    expect(titleOf('* - Port selection on multi physical switches. ##ironic ##painpoint')).toBe('Port selection on multi physical switches.');
    expect(titleOf('##TODO -> we need a project manager for this stuff.')).toBe('we need a project manager for this stuff.');
    expect(titleOf('*##uc - Feedback from session and open items')).toBe('Feedback from session and open items');
    expect(titleOf('* Are there any container projects for Tempest?   ##newfeature, ##gap ?')).toBe('Are there any container projects for Tempest?');
    expect(titleOf('* Is there a need for a formal application process ?  ##uc')).toBe('Is there a need for a formal application process?');
    expect(titleOf('* describe the use cases as a ##pwg development proposal?')).toBe('describe the use cases as a pwg development proposal?');
    expect(titleOf('*Many operators run old releases.##uservoice')).toBe('Many operators run old releases.');
  });

  it('shortens a long statement on a word boundary, and keeps the whole line as the body', () => {
    const statement = 'Operators need a way to upgrade many releases at once '.repeat(8).trim();
    const text = `* ${statement} ##painpoint`;
    const [record] = importer.parse(file('TAG-painpoint.md', `https://etherpad.example.org/p/x: 3: ${text}\n`)).records as FeedbackRecord[];
    expect(record.title.length).toBeLessThanOrEqual(200);
    expect(record.title).toMatch(/\S…$/);
    const kept = record.title.slice(0, -1);
    expect(statement.startsWith(kept)).toBe(true);
    expect(statement[kept.length]).toBe(' ');
    expect(record.body).toBe(text);
  });

  it('names as projects only the tags of the project list', () => {
    expect(OPENSTACK_PROJECTS.has('nova')).toBe(true);
    expect(OPENSTACK_PROJECTS.has('painpoint')).toBe(false);
    const [record] = importer.parse(file('TAG-nova.md', 'https://etherpad.example.org/p/x: 9: * live migration fails ##Nova ##Neutron ##uservoice\n'))
      .records as FeedbackRecord[];
    expect(record).toMatchObject({ projects: ['neutron', 'nova'], tags: ['neutron', 'nova', 'uservoice'] });
  });

  it('adds the tag of its file when the text lacks it, and none for files not named after a tag', () => {
    const line = 'https://etherpad.example.org/p/x: 9: * quotas per domain ##newfeature\n';
    expect((importer.parse(file('TAG-quotas.md', line)).records[0] as FeedbackRecord).tags).toEqual(['newfeature', 'quotas']);
    expect((importer.parse(file('notes/forum lines.md', line)).records[0] as FeedbackRecord).tags).toEqual(['newfeature']);
  });

  it('reads CRLF line ends, a byte order mark and ports in the URL', () => {
    const text = '\uFEFFhttps://pads.example.org:8443/p/ops: 12: * Fix it ##gap\r\n\r\nhttps://pads.example.org:8443/p/ops: 13: * And this ##gap\r\n';
    const result = importer.parse(file('TAG-gap.md', text));
    expect(result.skips).toEqual([]);
    expect(feedback(result).map((record) => [record.sourceKey, record.title, record.at.line])).toEqual([
      ['forum:https://pads.example.org:8443/p/ops#12', 'Fix it', 1],
      ['forum:https://pads.example.org:8443/p/ops#13', 'And this', 3],
    ]);
  });

  it('skips lines not of the shape with their line and reason, and reads the rest', () => {
    const text = [
      '# Lines tagged ##gap',
      '',
      'https://etherpad.example.org/p/x: 4: * A real request ##gap',
      'https://etherpad.example.org/p/BOS-forum-log-mess',
      'https://etherpad.example.org/p/x: 7:',
      'https://etherpad.example.org/p/x: 8: ##gap',
      'https://etherpad.example.org/p/x: 4: * Another text for the same etherpad line ##gap',
      'https://etherpad.example.org/p/x: 4: * A real request ##gap',
    ].join('\n');
    const result = importer.parse(file('TAG-gap.md', text));
    expect(feedback(result).map((record) => record.sourceKey)).toEqual(['forum:https://etherpad.example.org/p/x#4']);
    expect(result.skips.map((skip) => [skip.at, skip.reason])).toEqual([
      [{ file: 'TAG-gap.md', line: 1 }, expect.stringContaining('does not start with an etherpad URL')],
      [{ file: 'TAG-gap.md', line: 4 }, expect.stringContaining('no etherpad line number')],
      [{ file: 'TAG-gap.md', line: 5 }, 'no text after the etherpad line number'],
      [{ file: 'TAG-gap.md', line: 6 }, expect.stringContaining('nothing to call it')],
      [{ file: 'TAG-gap.md', line: 7 }, expect.stringContaining('at line 3 of this file already')],
    ]);
  });

  it('skips a line the service would refuse, saying why', () => {
    const result = importer.parse(file('TAG-gap.md', `https://etherpad.example.org/p/x: 2: * ${'long story '.repeat(2000)} ##gap\n`));
    expect(result.records).toEqual([]);
    expect(result.skips[0].reason).toMatch(/^body must be shorter than or equal to 20000 characters/);
  });

  it('refuses files that are not forum tag lists', () => {
    const refuse = (content: string | Buffer) => expect(() => importer.parse(file('TAG-x.md', content)));
    const junk = Buffer.from(Array.from({ length: 2048 }, (_, index) => (index * 7919 + 13) % 256));
    refuse(junk).toThrow(UnreadableFileError);
    refuse(junk).toThrow(/not a text file/);
    refuse('').toThrow(/no line of the form/);
    refuse('\n\n  \n').toThrow(/no line of the form/);
    refuse('# Notes\n* tagged ##gap\nsee https://etherpad.example.org/p/x\n').toThrow(/no line of the form/);
    refuse('https://etherpad.example.org/p/x: 3:\nhttps://etherpad.example.org/p/x').toThrow(/no line of the form/);
    refuse(Buffer.from('https://etherpad.example.org/p/x: 3: caf\xe9 ##gap\nhttps://etherpad.example.org/p/x: 4: \xe9t\xe9 ##gap\n', 'latin1')).toThrow(
      /not UTF-8 text: 2 of its 2 lines/,
    );
  });

  it('reads a file with a stray byte that is not UTF-8 in one line of many', () => {
    const lines = ['https://etherpad.example.org/p/x: 1: * caf\xe9 outage ##gap', 'https://etherpad.example.org/p/x: 2: * quota ##gap', 'https://etherpad.example.org/p/x: 3: * logs ##gap'];
    const result = importer.parse(file('TAG-gap.md', Buffer.from(lines.join('\n'), 'latin1')));
    expect(feedback(result).map((record) => record.title)).toEqual(['caf\uFFFD outage', 'quota', 'logs']);
  });

  it('accepts Markdown files only', () => {
    expect(importer.accepts('TAG-gap.md')).toBe(true);
    expect(importer.accepts('README.MD')).toBe(true);
    expect(importer.accepts('feedback.csv')).toBe(false);
  });
});
