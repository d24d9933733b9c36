import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ThemeKind } from '../../themes/theme.enums';
import { ThemeRecord, UnreadableFileError } from '../importer';
import { PwgProposalImporter } from './pwg-proposal';
import { PwgTrackerImporter } from './pwg-tracker';

const DATA = join(__dirname, '../../../demo/openstack-pwg');
const importer = new PwgProposalImporter();

const PROPOSALS = ['proposed', 'parking'].flatMap((folder) =>
  readdirSync(join(DATA, 'proposals', folder))
    .filter((name) => name.endsWith('.rst'))
    .map((name) => `${folder}/${name}`),
);

const parseFile = (path: string) => importer.parse({ name: path, content: readFileSync(join(DATA, 'proposals', path)) });
const storyOf = (path: string) => parseFile(path).records[0] as ThemeRecord;
const parseText = (text: string, name = 'my-proposal.rst') => importer.parse({ name, content: Buffer.from(text) }).records[0] as ThemeRecord;

describe('the pwg-proposal format', () => {
  it('reads the reStructuredText files of a folder', () => {
    expect(importer.format).toBe('pwg-proposal');
    expect(importer.accepts('proposals/proposed/rolling-upgrades.rst')).toBe(true);
    expect(importer.accepts('rolling-upgrades.json')).toBe(false);
    expect(importer.accepts('proposals/README.rst')).toBe(false);
    expect(importer.accepts('proposals/proposed/index.rst')).toBe(false);
  });

  it('finds the proposals to read', () => {
    expect(PROPOSALS.length).toBeGreaterThanOrEqual(17);
  });

  it.each(PROPOSALS)('reads %s as one user story with a title, keyed by its file name', (path) => {
    const parsed = parseFile(path);
    expect(parsed.skips).toEqual([]);
    expect(parsed.records).toHaveLength(1);
    const story = parsed.records[0] as ThemeRecord;
    const slug = path.split('/')[1].replace(/\.rst$/, '');
    expect(story).toMatchObject({ kind: 'theme', themeKind: ThemeKind.USER_STORY, sourceKey: `pwg:user-story:${slug}` });
    expect(story.title.length).toBeGreaterThanOrEqual(3);
    const lines = readFileSync(join(DATA, 'proposals', path), 'utf8').split('\n');
    expect(story.at).toEqual({ file: path, line: expect.any(Number) });
    expect(lines[story.at.line! - 1].replace(/\*/g, '').trim()).toBe(story.title);
    expect(story.description).toMatch(/^Problem: /);
    expect(story.description!.length).toBeLessThanOrEqual(20000);
    expect(story.description).not.toMatch(/`_|\*\*|^\.\. /m);
  });

  describe('the rolling upgrades proposal', () => {
    const story = storyOf('proposed/rolling-upgrades.rst');

    it('is the same user story as its trackers', () => {
      const tracker = new PwgTrackerImporter();
      for (const name of ['sample-tracker.json', 'rolling-upgrades.json']) {
        const parsed = tracker.parse({ name, content: readFileSync(join(DATA, 'trackers', name)) });
        expect(parsed.records[0].sourceKey).toBe(story.sourceKey);
      }
      expect(story.sourceKey).toBe('pwg:user-story:rolling-upgrades');
    });

    it('takes its title, the cross-project spec and the tracker from the header', () => {
      expect(story).toMatchObject({
        title: 'Rolling Updates and Upgrades',
        at: { file: 'proposed/rolling-upgrades.rst', line: 1 },
        specUrl: 'https://review.openstack.org/290977',
        links: ['https://github.com/openstack/openstack-user-stories/tree/master/tracker/rolling-upgrades.json'],
      });
      expect(story.status).toBeUndefined();
    });

    it('digests problem, opportunity, use cases and gaps into plain text', () => {
      const description = story.description!;
      expect(description).toMatch(/^Problem: OpenStack operators often shy away from upgrading or updating OpenStack due to concerns/);
      expect(description).toContain('\n\nOpportunity: This is a large reason why enterprises fail to gain the full value');
      expect(description).toContain('Upgrades and updates have never been easy and in many environments require extended downtime');
      expect(description).toContain(
        '\n\nUse cases:\n- As Quinn the Application Developer, I want to experience a stable, regularly updated and upgraded OpenStack platform',
      );
      expect(description).toContain('\n- As Rey the Cloud Operator, I want to provide my users a reliable');
      expect(description).toContain('\n\nGaps:\nUpgrades today require downtime in the data plane');
      expect(description).toContain('\n- Maintenance Mode- Preventing the scheduling of additional instances on a host\n');
      expect(description).toContain('\n- Nova - Implemented\n');
      expect(description).not.toContain('This section utilizes');
      expect(description).not.toContain('Glossary');
      expect(description).not.toContain('Dan Smith');
    });
  });

  it('reads a bare spec address followed by a remark', () => {
    expect(storyOf('proposed/categorized-configs.rst').specUrl).toBe('https://review.openstack.org/#/c/295543');
  });

  it('ignores header values that are no address', () => {
    for (const path of ['proposed/feature-classification.rst', 'proposed/db-hygiene.rst', 'parking/lifecycle-management.rst']) {
      const story = storyOf(path);
      expect(story.specUrl).toBeUndefined();
      expect(story.links).toBeUndefined();
    }
  });

  it('reads an overlined title', () => {
    expect(storyOf('proposed/feature-classification.rst')).toMatchObject({ title: 'Feature Classification Framework', at: { line: 2 } });
    expect(storyOf('proposed/high-scale-media-and-telco-apps.rst')).toMatchObject({ title: 'High Scale Media Telco Apps', at: { line: 2 } });
  });

  it('reads past the license comment before the title', () => {
    expect(storyOf('proposed/complex-instance-placement.rst')).toMatchObject({ title: 'Complex Instance Placement', at: { line: 6 } });
    expect(storyOf('proposed/refstack-config-info.rst')).toMatchObject({ title: 'Configuration for RefStack', at: { line: 4 } });
  });

  it("leaves out the template's comments and the authors' placeholders", () => {
    const description = storyOf('parking/lifecycle-management.rst').description!;
    expect(description).toMatch(/^Problem: From time to time, and for a variety of reasons, VMs that are created become unused/);
    expect(description).not.toMatch(/This section is|Please replace|mandatory|TBD/);
    expect(description).toContain('\n\nUse cases:\n- As the sys admin I need to ensure the Hygiene of VMs');
  });

  it('takes the problem from a section without subsections too', () => {
    expect(storyOf('proposed/high-scale-media-and-telco-apps.rst').description).toMatch(
      /^Problem: This use case is specifically about deploying the Perimeta Session Border Controller/,
    );
    expect(storyOf('proposed/ask-openstack-update.rst').description).toMatch(/^Problem: Operators of OpenStack environments lack a reliable source/);
  });

  it('keeps the paragraphs of a list item with the item', () => {
    expect(storyOf('proposed/openstack-extreme-testing.rst').description).toContain(
      '\n- Destructive testing: As Rey the Cloud Operator, I would like to have all the OpenStack projects to be tested for destructive scenarios',
    );
    expect(storyOf('parking/security-segregation.rst').description).toContain(
      'Gaps:\nNova issues:\n- Usage of availability zone(AZ)/host aggregates to assign a vm to a placement zone is feasible [Ref.1], but:\n  - By default a physical host',
    );
  });

  describe('proposals written differently', () => {
    it('tolerates missing sections and other names for them, and resolves a named reference in the header', () => {
      const story = parseText(
        [
          'Faster Onboarding',
          '-----------------',
          '',
          'Cross-project spec: `the spec`_',
          'Feature Tracker: `Tracker <https://example.org/tracker/faster-onboarding.json>`_',
          '',
          '.. _the spec: https://review.openstack.org/111111',
          '',
          'GAPS',
          '~~~~',
          '',
          '#. No **single** page lists the first steps.',
          '#. ``openstack --help`` is long.',
        ].join('\n'),
        'parking/faster-onboarding.rst',
      );
      expect(story).toEqual({
        kind: 'theme',
        sourceKey: 'pwg:user-story:faster-onboarding',
        at: { file: 'parking/faster-onboarding.rst', line: 1 },
        title: 'Faster Onboarding',
        themeKind: ThemeKind.USER_STORY,
        description: 'Gaps:\n- No single page lists the first steps.\n- openstack --help is long.',
        specUrl: 'https://review.openstack.org/111111',
        links: ['https://example.org/tracker/faster-onboarding.json'],
      });
    });

    it('says nothing of a description when there is nothing to digest', () => {
      const story = parseText('Only a Title\n============\n\nCross Project Spec - TBD\n\nGlossary\n--------\nNone.\n');
      expect(story.description).toBeUndefined();
      expect(story.specUrl).toBeUndefined();
    });

    it('keeps the digest within what a theme holds', () => {
      const paragraph = 'Operators cannot upgrade without downtime, and every release makes it worse. ';
      const text = ['Huge', '====', '', 'Problem Definition', '------------------', '', ...Array.from({ length: 400 }, () => `${paragraph}\n`)].join('\n');
      const story = parseText(text);
      expect(story.description!.length).toBeLessThanOrEqual(20000);
      expect(story.description!.endsWith('…')).toBe(true);
    });

    it('reads Windows line ends', () => {
      expect(parseText('Title Here\r\n==========\r\n\r\nProblem\r\n-------\r\nIt breaks.\r\n').description).toBe('Problem: It breaks.');
    });
  });

  describe('files that are no proposal', () => {
    it.each([
      ['text without a title', Buffer.from('Just some notes.\n\nNo heading anywhere.\n'), /^no title/],
      ['an empty file', Buffer.alloc(0), /^no title/],
      ['only comments', Buffer.from('.. Title\n.. =====\n'), /^no title/],
      ['binary junk', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]), /not a text file/],
    ])('refuses %s as unreadable', (_what, content, message) => {
      const parse = () => importer.parse({ name: 'broken.rst', content });
      expect(parse).toThrow(UnreadableFileError);
      expect(parse).toThrow(message);
    });
  });

  it('reads any text as one user story with a title, or refuses it as unreadable', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '', 'Title', '=====', '-----', '+++++', '..', '.. comment', '   indented', '* item', '  * nested', '#. step', 'Problem Definition', 'Gaps',
        'Use Cases', 'Cross Project Spec - `x <https://review.openstack.org/1>`_', 'User Story Tracker - None', '**bold** and `ref`_', '.. _ref: https://e.org',
      ),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const text = lines.join('\n');
        let story: ThemeRecord;
        try {
          story = parseText(text);
        } catch (error) {
          expect(error).toBeInstanceOf(UnreadableFileError);
          return;
        }
        expect(story.title.trim().length).toBeGreaterThan(0);
        expect(story.title.length).toBeLessThanOrEqual(200);
        expect(story.at.line).toBeGreaterThanOrEqual(1);
        expect(story.at.line).toBeLessThanOrEqual(lines.length);
        expect((story.description ?? '').length).toBeLessThanOrEqual(20000);
        if (story.specUrl) expect(story.specUrl).toMatch(/^https?:\/\//);
      }),
      { numRuns: 500 },
    );
  });
});
