/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, localOnlyContext } from '../scripts/chromium';
import { ADMIN_TOKEN } from './support/config';
import { startService, TestService } from './support/service';

/**
 * The IDE, the dashboard and a trace page in a real browser (Debian's
 * Chromium) against the running service, with data built through the API.
 * Every page may only reach this machine: any other request fails the test.
 */
describe('the pages in a browser', () => {
  let service: TestService;
  let browser: Browser;
  let origin: string;
  let pm: string;
  let lead: string;

  /** Each test gets a fresh context, and checks at the end that nothing left the machine and no page raised an error. */
  let context: BrowserContext;
  let escaped: string[];
  let pageErrors: string[];

  beforeAll(async () => {
    service = await startService();
    origin = service.url.replace(/\/graphql$/, '');
    pm = (await service.actor('PRODUCT_MANAGER', 'Pat Manager')).token;
    lead = (await service.actor('TECH_LEAD', 'Tom Lead')).token;
    const operator = (await service.actor('OPERATOR', 'Olga Operator')).token;
    const user = (await service.actor('USER', 'Uma User')).token;
    const { api } = service;
    const days = (count: number) => service.clock.advanceDays(count);

    await api.submitFeedback(operator, { title: 'Maintenance mode for compute hosts', origin: 'OPERATOR', projects: ['nova'] });
    await api.submitFeedback(user, { title: 'Resize without downtime', origin: 'USER', projects: [] });
    await api.submitFeedback(operator, { title: 'Quota per domain', origin: 'OPERATOR', projects: ['keystone'] });
    await api.submitFeedback(user, { title: 'Dark mode for the dashboard', origin: 'USER', projects: [] });
    days(2);
    for (const key of ['FB-1', 'FB-2']) await api.triageFeedback(pm, { key });
    days(1);
    await api.createTheme(pm, { title: 'Operations without downtime', kind: 'USER_STORY' });
    for (const key of ['FB-1', 'FB-2']) await api.linkFeedbackToTheme(pm, { feedbackKey: key, themeKey: 'TH-1', rationale: 'no downtime' });
    days(2);
    await api.createBlueprint(lead, { project: 'nova', name: 'maintenance-mode', title: 'Host maintenance mode', targetRelease: 'Pike' });
    await api.createBlueprint(lead, { project: 'neutron', name: 'unasked', title: 'Work nobody asked for' });
    await api.linkBlueprint(lead, { project: 'nova', name: 'maintenance-mode', themeKey: 'TH-1' });
    days(5);
    await api.updateBlueprint(lead, { project: 'nova', name: 'maintenance-mode', implementationStatus: 'STARTED' });
    days(10);
    await api.recordReleaseOutcome(pm, { project: 'nova', name: 'maintenance-mode', release: 'Pike', result: 'DELIVERED' });
    days(1);
    await api.closeLoop(pm, { key: 'FB-1', resolution: 'DELIVERED', note: 'in Pike' });
    days(39);

    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  beforeEach(async () => {
    ({ context, escaped } = await localOnlyContext(browser, { locale: 'en-GB', timezoneId: 'UTC' }));
    pageErrors = [];
    context.on('page', (page) => {
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
    });
  });

  afterEach(async () => {
    await context.close();
    expect(escaped).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  /** Opens a page with the token handed over in the fragment, as a shared link would. */
  async function open(path: string, token = pm): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${origin}${path}#token=${encodeURIComponent(token)}`);
    return page;
  }

  const rows = (page: Page, table: string) =>
    page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('th, td')).map((cell) => (cell.textContent ?? '').trim())));

  it('serves a landing page that links the IDE, the dashboard and the docs', async () => {
    const page = await open('/');
    const links = await page.$$eval('main a', (anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    expect(links).toEqual(expect.arrayContaining(['/ide', '/dashboard', '/docs/product-managers.md', '/docs/api.md']));
    await page.click('main a[href="/docs/api.md"]');
    expect(await page.textContent('body')).toContain('# API guide');
  });

  it('renders the trace of a loop: stage, what it waits on, themes, blueprints and the timeline', async () => {
    const page = await open('/loops/FB-2');
    expect(page.url()).toBe(`${origin}/loops/FB-2`);
    await page.waitForSelector('#timeline li');
    expect(await page.textContent('h1')).toBe('FB-2: Resize without downtime');
    expect(await page.textContent('#stage')).toBe('Released');
    expect(await page.$$eval('#waiting-on li', (items) => items.map((item) => item.textContent))).toEqual(['a product manager to close it']);
    expect(await page.textContent('[aria-current="step"]')).toContain('Released');
    const main = await page.textContent('main');
    expect(main).toContain('Operations without downtime');
    expect(main).toContain('maintenance-mode');
    expect(main).toContain('Delivered in Pike');
    const timeline = await page.$$eval('#timeline .type', (types) => types.map((type) => type.textContent));
    expect(timeline[0]).toBe('feedback.submitted');
    expect(timeline).toEqual(expect.arrayContaining(['loop.triaged', 'link.created', 'loop.stage_changed', 'loop.released']));
    expect(await rows(page, '#time-in-stage')).toEqual([
      ['Requested', '2.0 days', '1'],
      ['Triaged', '24 h', '1'],
      ['Themed', '2.0 days', '1'],
      ['Planned', '5.0 days', '1'],
      ['In development', '10 days', '1'],
      ['Released', '40 days', '1'],
    ]);
  });

  it('draws the dashboard from loopHealth: charts, tables, stalled loops and filters', async () => {
    const page = await open('/dashboard');
    await page.waitForSelector('#closure-table tbody tr th');
    expect(await page.$$eval('#figures div', (figures) => figures.map((figure) => figure.textContent))).toEqual([
      'Loops4',
      'Stalled3 no event for 30 days',
      'Request to closure21 days median, p90 21 days',
      'Untriaged2',
      'Blueprints without request1',
      'Themes without blueprint0',
    ]);
    expect(await rows(page, '#funnel-table')).toEqual([
      ['Requested', '2'],
      ['Triaged', '0'],
      ['Themed', '0'],
      ['Planned', '0'],
      ['In development', '0'],
      ['Released', '1'],
      ['Closed', '1'],
    ]);
    expect((await rows(page, '#time-table')).slice(0, 2)).toEqual([
      ['Requested', '2', '2.0 days', '2.0 days'],
      ['Triaged', '2', '24 h', '24 h'],
    ]);
    expect(await rows(page, '#closure-table')).toEqual([['Pike', '2', '2', '100%']]);
    const stalled = await rows(page, '#stalled-table');
    expect(stalled.map((row) => row.slice(0, 3))).toEqual([
      ['FB-3 Quota per domain', 'Requested', 'a product manager to triage it'],
      ['FB-4 Dark mode for the dashboard', 'Requested', 'a product manager to triage it'],
      ['FB-2 Resize without downtime', 'Released', 'a product manager to close it'],
    ]);
    expect(stalled.map((row) => row[3])).toEqual(['4 Feb 2026', '4 Feb 2026', '24 Feb 2026']);

    for (const id of ['funnel-chart', 'time-chart', 'stalled-chart', 'closure-chart']) {
      const drawn = await page.$eval(`#${id}`, (canvas) => {
        const element = canvas as HTMLCanvasElement;
        const pixels = element.getContext('2d')!.getImageData(0, 0, element.width, element.height).data;
        let painted = 0;
        for (let alpha = 3; alpha < pixels.length; alpha += 4) if (pixels[alpha] > 0) painted += 1;
        return { chart: Boolean((window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(element)), width: element.width, painted };
      });
      expect(drawn).toEqual({ chart: true, width: expect.any(Number), painted: expect.any(Number) });
      expect(drawn.width).toBeGreaterThan(200);
      expect(drawn.painted).toBeGreaterThan(500);
    }

    await page.selectOption('select[name="origin"]', 'OPERATOR');
    await page.click('#filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#figures dd')?.textContent === '2');
    expect(new URL(page.url()).search).toBe('?origin=OPERATOR');
    expect(await rows(page, '#stalled-table')).toEqual([['FB-3 Quota per domain', 'Requested', 'a product manager to triage it', '4 Feb 2026']]);

    await page.click('#stalled-table a[href="/loops/FB-3"]');
    await page.waitForSelector('#waiting-on');
    expect(await page.textContent('h1')).toBe('FB-3: Quota per domain');
    expect(await page.evaluate(() => localStorage.getItem('looptrace.token'))).toBe(pm);
  });

  it('asks for a token when it has none', async () => {
    const page = await context.newPage();
    await page.goto(`${origin}/dashboard`);
    expect(await page.textContent('#notice')).toBe('Paste your API token in the header to see the health of the loop.');
    await page.fill('#api-token', pm);
    await page.click('.token-bar button[type="submit"]');
    await page.waitForSelector('#funnel-table tbody tr');
    expect(await page.textContent('.token-bar .viewer')).toBe('Signed in as Pat Manager (product manager)');
  });

  it('runs queries and subscriptions in the IDE with the token from the link', async () => {
    const page = await open('/ide');
    expect(page.url()).toBe(`${origin}/ide`);
    expect(await page.evaluate(() => localStorage.getItem('looptrace.token'))).toBe(pm);
    /** GraphiQL's editors are CodeMirror 5 instances, which draw only the lines in view: their text is read and set through CodeMirror. */
    type Editor = HTMLElement & { CodeMirror: { getValue(): string; setValue(value: string): void } };
    const response = () => page.$eval('.result-window .CodeMirror', (element) => (element as Editor).CodeMirror.getValue());
    const responseShows = (text: string) =>
      page.waitForFunction((expected) => (document.querySelector('.result-window .CodeMirror') as Editor | null)?.CodeMirror.getValue().includes(expected), text);
    const setQuery = (query: string) => page.$eval('.graphiql-query-editor .CodeMirror', (element, text) => (element as Editor).CodeMirror.setValue(text), query);

    await page.click('button[data-example="docs/examples/product-manager/loop-health.graphql"]');
    await page.waitForFunction(() => document.querySelector('.graphiql-tab-active')?.textContent?.includes('LoopHealth'));
    await page.click('.graphiql-execute-button');
    await responseShows('closureByRelease');
    const health = (JSON.parse(await response()) as { data: { loopHealth: { total: number; stalled: number } } }).data.loopHealth;
    expect({ total: health.total, stalled: health.stalled }).toEqual({ total: 4, stalled: 3 });

    const subscribed = new Promise<void>((resolve) =>
      page.on('websocket', (socket) => socket.on('framesent', (frame) => String(frame.payload).includes('"subscribe"') && resolve())),
    );
    await page.click('.graphiql-tab-add');
    await setQuery('subscription Watch { loopEvents(filter: { project: "neutron" }) { type recordKey actor { name } } }');
    await page.waitForFunction(() => document.querySelector('.graphiql-tab-active')?.textContent?.includes('Watch'));
    await page.click('.graphiql-execute-button');
    await subscribed;
    for (let attempt = 1; attempt <= 20 && !(await response()).includes('blueprint.updated'); attempt += 1) {
      await service.api.updateBlueprint(lead, { project: 'neutron', name: 'unasked', assignee: `tom-${attempt}` });
      await page.waitForTimeout(250);
    }
    expect(JSON.parse(await response())).toEqual({
      data: { loopEvents: { type: 'blueprint.updated', recordKey: 'neutron/unasked', actor: { name: 'Tom Lead' } } },
    });
  });

  it('says plainly in the IDE when the server does not answer introspection, and still runs queries', async () => {
    const closed = await startService({ introspection: false });
    try {
      const page = await context.newPage();
      const closedOrigin = closed.url.replace(/\/graphql$/, '');
      await page.goto(`${closedOrigin}/ide#token=${encodeURIComponent(ADMIN_TOKEN)}`);
      await page.waitForSelector('#ide-notice:not([hidden])');
      expect(await page.textContent('#ide-notice')).toMatch(/^Introspection is turned off on this server \(GRAPHQL_INTROSPECTION=false\).*schema\.gql.*no documentation and no completion\.$/);
      type Editor = HTMLElement & { CodeMirror: { getValue(): string } };
      await page.waitForSelector('.graphiql-execute-button');
      await page.click('.graphiql-execute-button');
      await page.waitForFunction(() => (document.querySelector('.result-window .CodeMirror') as Editor | null)?.CodeMirror.getValue().includes('viewer'));
      expect(JSON.parse(await page.$eval('.result-window .CodeMirror', (element) => (element as Editor).CodeMirror.getValue()))).toEqual({
        data: { viewer: { name: 'Administrator', email: 'admin@looptrace.invalid', role: 'ADMIN' } },
        extensions: expect.anything(),
      });
    } finally {
      await closed.close();
    }
  });

  it('shows no such notice when the server answers introspection', async () => {
    const page = await open('/ide');
    await page.waitForSelector('.graphiql-execute-button');
    expect(await page.isHidden('#ide-notice')).toBe(true);
  });
});
