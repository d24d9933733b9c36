#!/usr/bin/env node
// Pictures of the dashboard and of a trace page for the guides
// (docs/images/dashboard.png and docs/images/trace.png). Starts the built
// service (dist/) on a temporary database, fills it through the API with a
// working group's year of loops while a clock moves through it, and has
// Debian's Chromium photograph the pages. Run it with `npm run screenshots`.
const { Logger } = require('@nestjs/common');
const { Test } = require('@nestjs/testing');
const { mkdirSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { AppModule } = require('../dist/app.module');
const { Clock } = require('../dist/common/clock');
const { loadConfig } = require('../dist/config/config');
const { launchChromium, localOnlyContext } = require('./chromium');

const IMAGES = join(__dirname, '..', 'docs', 'images');
const ADMIN_TOKEN = 'screenshots-admin-token-0123456789';
const DAY_MS = 86_400_000;

/** The service's time, moved by the script so that the loops age as they would over months. */
class DemoClock extends Clock {
  constructor(start) {
    super();
    this.current = new Date(start);
  }

  now() {
    return new Date(this.current);
  }

  advanceDays(days) {
    this.current = new Date(this.current.getTime() + days * DAY_MS);
  }
}

async function startService(directory, clock) {
  Logger.overrideLogger(false);
  const defaults = loadConfig({});
  const config = {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    adminToken: ADMIN_TOKEN,
    database: { engine: 'sqlite', path: join(directory, 'looptrace.sqlite') },
    webhooks: { ...defaults.webhooks, pollMs: 0 },
    stalls: { ...defaults.stalls, sweepMs: 0 },
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, origin: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

function client(origin) {
  return async function graphql(token, query, variables) {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(`${query}\n${JSON.stringify(body.errors, null, 2)}`);
    return body.data;
  };
}

/** The demo's loops, built through the API by the roles that move them. */
async function seed(graphql, clock) {
  const actor = async (name, role, organization) => {
    const email = `${name.split(' ')[0].toLowerCase()}@example.org`;
    await graphql(ADMIN_TOKEN, 'mutation($i: CreateActorInput!) { createActor(input: $i) { actor { id } } }', { i: { name, email, role, organization } });
    return (await graphql(ADMIN_TOKEN, 'mutation($i: IssueTokenInput!) { issueToken(input: $i) { token } }', { i: { actorEmail: email, label: 'demo' } })).issueToken.token;
  };
  const pm = await actor('Pat Manager', 'PRODUCT_MANAGER', 'Product Working Group');
  const tom = await actor('Tom Lead', 'TECH_LEAD', 'Nova');
  const nina = await actor('Nina Lead', 'TECH_LEAD', 'Neutron');
  const olga = await actor('Olga Operator', 'OPERATOR', 'Example Cloud');
  const oscar = await actor('Oscar Operator', 'OPERATOR', 'Big Telco');
  const uma = await actor('Uma User', 'USER', 'University Cloud');
  const ulrich = await actor('Ulrich User', 'USER', 'Research Lab');

  const submit = (token, title, origin, projects, body) =>
    graphql(token, 'mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { feedback { key } } }', { i: { title, origin, projects, body } });
  const vote = (token, key) => graphql(token, 'mutation($k: String!) { voteFeedback(input: { key: $k }) { feedback { key } } }', { k: key });
  const triage = (key, note) => graphql(pm, 'mutation($k: String!, $n: String) { triageFeedback(input: { key: $k, note: $n }) { feedback { key } } }', { k: key, n: note });
  const theme = (input) => graphql(pm, 'mutation($i: CreateThemeInput!) { createTheme(input: $i) { theme { key } } }', { i: input });
  const linkTheme = (feedbackKey, themeKey, rationale) =>
    graphql(pm, 'mutation($i: FeedbackThemeLinkInput!) { linkFeedbackToTheme(input: $i) { theme { key } } }', { i: { feedbackKey, themeKey, rationale } });
  const blueprint = (lead, input) => graphql(lead, 'mutation($i: CreateBlueprintInput!) { createBlueprint(input: $i) { blueprint { key } } }', { i: input });
  const link = (lead, input) => graphql(lead, 'mutation($i: BlueprintLinkInput!) { linkBlueprint(input: $i) { blueprint { key } } }', { i: input });
  const progress = (lead, project, name, implementationStatus) =>
    graphql(lead, 'mutation($i: UpdateBlueprintInput!) { updateBlueprint(input: $i) { blueprint { key } } }', { i: { project, name, implementationStatus } });
  const outcome = (project, name, release, result, notes) =>
    graphql(pm, 'mutation($i: RecordReleaseOutcomeInput!) { recordReleaseOutcome(input: $i) { outcome { id } } }', { i: { project, name, release, result, notes } });
  const close = (key, resolution, note) => graphql(pm, 'mutation($i: CloseLoopInput!) { closeLoop(input: $i) { loop { key } } }', { i: { key, resolution, note } });
  const verify = (token, key, verdict, note) => graphql(token, 'mutation($i: VerifyClosureInput!) { verifyClosure(input: $i) { loop { key } } }', { i: { key, verdict, note } });
  const days = (count) => clock.advanceDays(count);

  await submit(olga, 'Upgrade compute and network without downtime', 'OPERATOR', ['nova', 'neutron'], 'We run Newton and every upgrade takes the cloud down for hours.');
  await submit(uma, 'Put a compute host into maintenance mode', 'USER', ['nova'], 'Hardware repairs mean moving every instance by hand.');
  await submit(oscar, 'Live-migrate instances with pinned CPUs', 'OPERATOR', ['nova'], 'NFV workloads pin CPUs and cannot be moved today.');
  days(2);
  await submit(olga, 'Quotas per domain', 'OPERATOR', ['keystone', 'nova'], 'Resellers need one quota for all the projects of a customer.');
  await submit(ulrich, 'Hierarchical quotas for research groups', 'USER', ['keystone', 'nova']);
  await vote(uma, 'FB-1');
  await vote(oscar, 'FB-1');
  await vote(ulrich, 'FB-4');
  days(3);
  await submit(oscar, 'Rolling restarts of the Neutron agents', 'OPERATOR', ['neutron']);
  await submit(uma, 'Explain why an instance failed to boot', 'USER', ['nova', 'horizon']);
  await triage('FB-1', 'Top ask of the operators meetup');
  await triage('FB-2', 'Forum session in Boston');
  await triage('FB-3');
  days(4);
  await theme({ title: 'Upgrades without downtime', kind: 'THEME', targetRelease: 'Queens' });
  await theme({ title: 'Compute maintenance mode', kind: 'GAP', parentKey: 'TH-1' });
  await theme({ title: 'Quotas across projects', kind: 'EPIC', targetRelease: 'Queens' });
  await theme({ title: 'Telemetry at scale', kind: 'THEME' });
  await theme({ title: 'Errors users can act on', kind: 'USER_STORY', targetRelease: 'Queens' });
  await linkTheme('FB-1', 'TH-1', 'The heart of the zero-downtime theme');
  await linkTheme('FB-2', 'TH-2', 'The gap this theme names');
  days(2);
  await graphql(pm, 'mutation { mergeFeedback(input: { duplicateKey: "FB-6", survivorKey: "FB-1", note: "Part of the upgrade story" }) { survivor { key } } }');
  await triage('FB-4');
  await triage('FB-5');
  days(3);
  await linkTheme('FB-4', 'TH-3', 'Quota per domain is the first step');
  await linkTheme('FB-5', 'TH-3', 'Nested projects share the limits');
  days(2);
  await blueprint(tom, { project: 'nova', name: 'maintenance-mode', title: 'Put a compute host into maintenance mode', targetRelease: 'Pike', priority: 'HIGH' });
  await blueprint(nina, { project: 'neutron', name: 'rolling-upgrade', title: 'Rolling upgrades of the agents', targetRelease: 'Queens', priority: 'HIGH' });
  await blueprint(tom, { project: 'nova', name: 'live-migrate-pinned', title: 'Live migration with pinned CPUs', targetRelease: 'Queens' });
  await link(tom, { project: 'nova', name: 'maintenance-mode', themeKey: 'TH-2', rationale: 'answers the gap' });
  await link(nina, { project: 'neutron', name: 'rolling-upgrade', themeKey: 'TH-1', rationale: 'agents restart one by one' });
  await link(tom, { project: 'nova', name: 'maintenance-mode', themeKey: 'TH-1', rationale: 'hosts drain before an upgrade' });
  await link(tom, { project: 'nova', name: 'live-migrate-pinned', feedbackKey: 'FB-3' });
  days(9);
  await submit(oscar, 'Ceilometer cannot keep up with a thousand nodes', 'OPERATOR', ['ceilometer']);
  await submit(uma, 'Dark mode for the dashboard', 'USER', ['horizon']);
  await progress(tom, 'nova', 'maintenance-mode', 'STARTED');
  days(12);
  await blueprint(tom, { project: 'keystone', name: 'unified-limits', title: 'Unified limits in keystone', targetRelease: 'Queens' });
  await blueprint(tom, { project: 'nova', name: 'unified-limits', title: 'Nova reads unified limits', targetRelease: 'Rocky' });
  await link(tom, { project: 'keystone', name: 'unified-limits', themeKey: 'TH-3' });
  await link(tom, { project: 'nova', name: 'unified-limits', themeKey: 'TH-3' });
  await triage('FB-8');
  await linkTheme('FB-8', 'TH-4', 'Scale is the theme');
  await progress(nina, 'neutron', 'rolling-upgrade', 'STARTED');
  days(20);
  await blueprint(tom, { project: 'horizon', name: 'error-details', title: 'Show the fault of a failed instance', targetRelease: 'Queens' });
  await blueprint(nina, { project: 'cinder', name: 'backup-progress', title: 'Report the progress of backups', targetRelease: 'Queens' });
  await triage('FB-7');
  await linkTheme('FB-7', 'TH-5');
  await link(tom, { project: 'horizon', name: 'error-details', themeKey: 'TH-5' });
  await progress(tom, 'nova', 'live-migrate-pinned', 'STARTED');
  days(30);
  await progress(tom, 'horizon', 'error-details', 'STARTED');
  await progress(tom, 'keystone', 'unified-limits', 'STARTED');
  await outcome('nova', 'maintenance-mode', 'Pike', 'DELIVERED', 'Merged in Pike-3');
  await outcome('neutron', 'rolling-upgrade', 'Pike', 'PARTIAL', 'L3 agent only');
  days(3);
  await close('FB-2', 'DELIVERED', 'Pike ships maintenance mode');
  days(4);
  await verify(uma, 'FB-2', 'CONFIRMED', 'Works on our Pike cloud');
  await submit(olga, 'IPv6 prefix delegation for tenant networks', 'OPERATOR', ['neutron']);
  await submit(ulrich, 'Region-wide usage report', 'USER', ['ceilometer']);
  days(15);
  await triage('FB-11');
  await close('FB-11', 'DECLINED', 'Out of the cycle; use the telemetry API');
  await submit(oscar, 'Evacuate a failed host automatically', 'OPERATOR', ['nova']);
  await triage('FB-12');
  await linkTheme('FB-12', 'TH-2', 'Automatic draining');
  days(60);
  await progress(nina, 'neutron', 'rolling-upgrade', 'GOOD_PROGRESS');
  await triage('FB-10', 'Needs a neutron spec first');
  days(90);
  await progress(tom, 'keystone', 'unified-limits', 'IMPLEMENTED');
  await outcome('keystone', 'unified-limits', 'Queens', 'DELIVERED');
  await outcome('neutron', 'rolling-upgrade', 'Queens', 'DELIVERED', 'All agents');
  await outcome('horizon', 'error-details', 'Queens', 'DEFERRED', 'Moved to Rocky');
  days(2);
  await close('FB-1', 'DELIVERED', 'Pike and Queens deliver it');
  await close('FB-12', 'DELIVERED', 'Maintenance mode drains the host');
  days(5);
  await verify(olga, 'FB-1', 'CONFIRMED', 'Upgraded to Queens without downtime');
  await submit(uma, 'Console log streaming', 'USER', ['nova']);
  await submit(olga, 'Tag many servers at once', 'OPERATOR', ['nova']);
  days(25);
  await submit(ulrich, 'Faster image uploads', 'USER', ['glance']);
  await triage('FB-13');
  days(6);
  await vote(oscar, 'FB-15');
  await vote(uma, 'FB-14');
  days(3);
}

async function photograph(origin, token) {
  mkdirSync(IMAGES, { recursive: true });
  const browser = await launchChromium();
  try {
    const { context, escaped } = await localOnlyContext(browser, { locale: 'en-GB', timezoneId: 'UTC' });
    const page = await context.newPage();
    await page.goto(`${origin}/dashboard#token=${encodeURIComponent(token)}`);
    await page.waitForSelector('#recent-table tbody tr td a');
    await page.screenshot({ path: join(IMAGES, 'dashboard.png'), fullPage: true });
    await page.goto(`${origin}/loops/FB-4`);
    await page.waitForSelector('#timeline li');
    await page.screenshot({ path: join(IMAGES, 'trace.png'), fullPage: true });
    if (escaped.length) throw new Error(`The pages tried to reach other hosts: ${escaped.join(', ')}`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const directory = mkdtempSync(join(tmpdir(), 'looptrace-screenshots-'));
  const clock = new DemoClock('2017-05-08T09:00:00Z');
  const { app, origin } = await startService(directory, clock);
  try {
    const graphql = client(origin);
    await seed(graphql, clock);
    const pm = (await graphql(ADMIN_TOKEN, 'mutation { issueToken(input: { actorEmail: "pat@example.org", label: "screenshots" }) { token } }')).issueToken.token;
    await photograph(origin, pm);
    process.stdout.write(`Saved ${join(IMAGES, 'dashboard.png')} and ${join(IMAGES, 'trace.png')}\n`);
  } finally {
    await app.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
