import { DefinitionStatus, ImplementationStatus, BlueprintPriority } from '../../blueprints/blueprint.enums';
import { Role } from '../../common/role';
import { DAY_MS } from '../../common/time';
import { FeedbackOrigin, Resolution, Verdict } from '../../feedback/feedback.enums';
import { OutcomeResult } from '../../outcomes/outcome.enums';
import { ThemeKind } from '../../themes/theme.enums';

/**
 * The plan of a generated dataset: the operations a working group would have
 * made over three years, each with its time, its actor and its input as the
 * API takes it. The same plan is written by the bulk writer (bulk-writer.ts)
 * and can be replayed through the API; both must store the same rows. It is
 * deterministic: the same size and seed give the same operations.
 */

/** Who makes an operation: an actor by email, or the admin the service starts with. */
export type Caller = string;
export const ADMIN: Caller = '(admin)';

export type Operation =
  | { op: 'createActor'; input: { name: string; email: string; role: Role; organization: string } }
  | { op: 'issueToken'; input: { actorEmail: string; label: string } }
  | { op: 'createTheme'; input: { title: string; kind: ThemeKind; parentKey?: string } }
  | {
      op: 'createBlueprint';
      input: {
        project: string;
        name: string;
        title: string;
        definitionStatus: DefinitionStatus;
        implementationStatus: ImplementationStatus;
        priority: BlueprintPriority;
        targetRelease: string;
      };
    }
  | { op: 'linkBlueprint'; input: { project: string; name: string; themeKey: string; rationale: string } }
  | { op: 'updateBlueprint'; input: { project: string; name: string; implementationStatus: ImplementationStatus } }
  | { op: 'recordReleaseOutcome'; input: { project: string; name: string; release: string; result: OutcomeResult } }
  | {
      op: 'submitFeedback';
      input: { title: string; body: string; origin: FeedbackOrigin; releaseInUse?: string; projects: string[]; tags: string[] };
    }
  | { op: 'voteFeedback'; input: { key: string } }
  | { op: 'triageFeedback'; input: { key: string; note: string } }
  | { op: 'linkFeedbackToTheme'; input: { feedbackKey: string; themeKey: string; rationale: string } }
  | { op: 'closeLoop'; input: { key: string; resolution: Resolution; note: string } }
  | { op: 'verifyClosure'; input: { key: string; verdict: Verdict; note: string } };

export type PlannedOperation = Operation & { at: Date; by: Caller };

/** What the plan asks of the loops as they stand, to decide what happens next (the writer's model answers). */
export interface PlanView {
  /** Loops that reached RELEASED since the last call, by id, in the order they reached it. */
  takeNewlyReleased(): number[];
}

export interface PlanOptions {
  loops: number;
  seed?: number;
  /** The first day of the history; the plan spans MONTHS months from there. */
  start?: Date;
}

export const MONTHS = 36;
const HOUR_MS = 3_600_000;
const MONTH_MS = 30 * DAY_MS;
export const DEFAULT_START = new Date('2023-11-01T00:00:00.000Z');

export const PROJECTS = [
  'nova', 'neutron', 'cinder', 'glance', 'keystone', 'swift', 'horizon', 'heat', 'octavia', 'ironic',
  'manila', 'designate', 'barbican', 'magnum', 'trove', 'zaqar', 'sahara', 'aodh', 'ceilometer', 'gnocchi',
  'placement', 'cyborg', 'zun', 'kuryr', 'senlin', 'watcher', 'vitrage', 'masakari', 'blazar', 'mistral',
  'murano', 'solum', 'tacker', 'freezer', 'cloudkitty', 'adjutant', 'skyline', 'venus', 'kolla', 'openstack-ansible',
] as const;

const ORGANIZATIONS = Array.from({ length: 60 }, (_unused, index) => `Cloud ${String.fromCharCode(65 + (index % 26))}${Math.floor(index / 26) + 1}`);
const TAGS = ['upgrade', 'scale', 'ha', 'security', 'usability', 'performance', 'networking', 'storage', 'quota', 'billing', 'ipv6', 'gpu', 'edge', 'telemetry', 'api'];
const VERBS = ['support', 'speed up', 'document', 'simplify', 'monitor', 'automate', 'harden', 'expose', 'migrate', 'limit'];
const THINGS = ['live migration', 'volume backups', 'floating ips', 'quota reports', 'rolling upgrades', 'image caching', 'security groups',
  'load balancers', 'bare metal enrolment', 'shared file systems', 'dns zones', 'secret rotation', 'cluster templates', 'event alarms', 'usage metering'];
const GOALS = ['so that operators can upgrade without downtime', 'for clouds with thousands of nodes', 'across regions', 'without admin rights',
  'in multi-tenant clouds', 'from the dashboard', 'through the API', 'with less configuration'];

/**
 * The releases of the history, from the calendar the service ships with (its
 * first migration): the plan's blueprints target them and deliver in them on
 * these days (the last two have no date in the calendar yet; these are the
 * project's planned ones).
 */
export const RELEASES = [
  { name: '2024.1', on: '2024-04-03' },
  { name: '2024.2', on: '2024-10-02' },
  { name: '2025.1', on: '2025-04-02' },
  { name: '2025.2', on: '2025-10-01' },
  { name: '2026.1', on: '2026-04-01' },
  { name: '2026.2', on: '2026-09-30' },
] as const;

/** mulberry32: small, fast and the same on every machine. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** A few distinct items. */
  some<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<T>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(this.pick(items));
    return [...chosen];
  }
}

interface People {
  productManagers: string[];
  techLeads: Map<string, string>;
  requesters: Array<{ email: string; role: Role.OPERATOR | Role.USER }>;
}

/** The sizes that follow from the number of loops: about a theme per 200 loops and a blueprint per 100, a requester per 20. */
export function sizes(loops: number) {
  return {
    loops,
    requesters: Math.max(40, Math.ceil(loops / 20)),
    themes: Math.max(12, Math.ceil(loops / 200)),
    blueprints: Math.max(12, Math.ceil(loops / 100)),
  };
}

interface BlueprintPlan {
  project: string;
  name: string;
  startAt: number | null;
  implementedAt: number | null;
  delivered: boolean;
}

/**
 * The operations in the order they happen. The plan decides a month at a
 * time, from what the loops look like at the start of the month (closures
 * follow releases), so the view must have applied every operation yielded
 * before the next month is asked for.
 */
export function* planDataset(options: PlanOptions, view: PlanView): Generator<PlannedOperation> {
  const random = new Random(options.seed ?? 1);
  const size = sizes(options.loops);
  const start = (options.start ?? DEFAULT_START).getTime();
  const at = (ms: number) => new Date(Math.round(ms / 1000) * 1000);
  const people: People = { productManagers: [], techLeads: new Map(), requesters: [] };

  // The people, the releases: before the history starts.
  let setupTime = start - DAY_MS;
  const setup = function* (operation: Operation, by: Caller = ADMIN): Generator<PlannedOperation> {
    setupTime += 1000;
    yield { ...operation, at: at(setupTime), by } as PlannedOperation;
  };
  const person = function* (role: Role, name: string, email: string, organization: string) {
    yield* setup({ op: 'createActor', input: { name, email, role, organization } });
    yield* setup({ op: 'issueToken', input: { actorEmail: email, label: 'dataset' } });
  };
  for (let index = 1; index <= 4; index++) {
    const email = `pm${index}@pwg.example.org`;
    people.productManagers.push(email);
    yield* person(Role.PRODUCT_MANAGER, `Product Manager ${index}`, email, 'Product Working Group');
  }
  for (const project of PROJECTS) {
    const email = `lead.${project}@dev.example.org`;
    people.techLeads.set(project, email);
    yield* person(Role.TECH_LEAD, `Lead of ${project}`, email, `${project} team`);
  }
  for (let index = 1; index <= size.requesters; index++) {
    const role = index % 3 === 0 ? Role.USER : Role.OPERATOR;
    const email = `${role === Role.USER ? 'user' : 'operator'}${index}@example.org`;
    people.requesters.push({ email, role });
    yield* person(role, `${role === Role.USER ? 'User' : 'Operator'} ${index}`, email, ORGANIZATIONS[index % ORGANIZATIONS.length]);
  }
  const releaseDay = (index: number) => Date.parse(`${RELEASES[index].on}T00:00:00.000Z`);
  /** The first release made at or after a time. */
  const releaseAfter = (ms: number) => RELEASES.findIndex((_name, index) => releaseDay(index) >= ms);

  // Ids are those the services give, in the order records are created: the plan counts along.
  const themeKeys: string[] = [];
  let feedbackCount = 0;
  const blueprints: BlueprintPlan[] = [];
  const pending = new Map<number, PlannedOperation[]>();
  const monthOf = (ms: number) => Math.floor((ms - start) / MONTH_MS);
  const later = (operation: PlannedOperation) => {
    const month = monthOf(operation.at.getTime());
    if (month >= MONTHS) return;
    if (!pending.has(month)) pending.set(month, []);
    pending.get(month)!.push(operation);
  };
  const submitterOf = new Map<number, string>();
  const closing = new Set<number>();

  for (let month = 0; month < MONTHS; month++) {
    const monthStart = start + month * MONTH_MS;
    const ops: PlannedOperation[] = [];
    const push = (operation: Operation, ms: number, by: Caller) => ops.push({ ...operation, at: at(ms), by } as PlannedOperation);

    // Themes appear over the first two years and blueprints until the last months, at the start of their month.
    let clock = monthStart + HOUR_MS;
    const themesDue = Math.ceil((size.themes * Math.min(month + 1, 24)) / 24);
    while (themeKeys.length < themesDue) {
      const index = themeKeys.length;
      const top = index % 5 === 0 || themeKeys.length < 5;
      const parentIndex = top ? null : 5 * random.int(Math.ceil(themeKeys.length / 5));
      const title = `${random.pick(VERBS)} ${random.pick(THINGS)} ${random.pick(GOALS)}`.replace(/^./, (first) => first.toUpperCase());
      push(
        { op: 'createTheme', input: { title, kind: top ? ThemeKind.THEME : ThemeKind.EPIC, ...(parentIndex === null ? {} : { parentKey: themeKeys[parentIndex] }) } },
        (clock += 1000),
        random.pick(people.productManagers),
      );
      themeKeys.push(`TH-${index + 1}`);
    }
    const blueprintsDue = Math.ceil((size.blueprints * Math.min(month + 1, 33)) / 33);
    while (blueprints.length < blueprintsDue) {
      const index = blueprints.length;
      const project = PROJECTS[index % PROJECTS.length];
      const name = `${random.pick(VERBS).replace(/ /g, '-')}-${random.pick(THINGS).replace(/ /g, '-')}-${index + 1}`;
      const lead = people.techLeads.get(project)!;
      const target = releaseAfter(monthStart + 3 * MONTH_MS);
      push(
        {
          op: 'createBlueprint',
          input: {
            project,
            name,
            title: `${name.replace(/-\d+$/, '').replace(/-/g, ' ')} in ${project}`,
            definitionStatus: DefinitionStatus.APPROVED,
            implementationStatus: ImplementationStatus.NOT_STARTED,
            priority: random.pick([BlueprintPriority.LOW, BlueprintPriority.MEDIUM, BlueprintPriority.HIGH]),
            targetRelease: RELEASES[target === -1 ? RELEASES.length - 1 : target].name,
          },
        },
        (clock += 1000),
        lead,
      );
      push({ op: 'linkBlueprint', input: { project, name, themeKey: random.pick(themeKeys), rationale: 'answers the theme' } }, (clock += 1000), lead);
      const startAt = random.chance(0.7) ? monthStart + (20 + random.int(200)) * DAY_MS : null;
      const implementedAt = startAt !== null && random.chance(0.8) ? startAt + (30 + random.int(240)) * DAY_MS : null;
      const plan: BlueprintPlan = { project, name, startAt, implementedAt, delivered: false };
      blueprints.push(plan);
      if (startAt !== null) later({ op: 'updateBlueprint', input: { project, name, implementationStatus: ImplementationStatus.STARTED }, at: at(startAt), by: lead });
      if (implementedAt !== null) {
        later({ op: 'updateBlueprint', input: { project, name, implementationStatus: ImplementationStatus.IMPLEMENTED }, at: at(implementedAt), by: lead });
      }
    }

    // A release of this month delivers what was implemented before it.
    const release = RELEASES.findIndex((_name, index) => monthOf(releaseDay(index)) === month);
    if (release !== -1) {
      let delivery = releaseDay(release) + 12 * HOUR_MS;
      for (const blueprint of blueprints) {
        if (blueprint.delivered || blueprint.implementedAt === null || blueprint.implementedAt >= releaseDay(release)) continue;
        blueprint.delivered = true;
        push(
          { op: 'recordReleaseOutcome', input: { project: blueprint.project, name: blueprint.name, release: RELEASES[release].name, result: OutcomeResult.DELIVERED } },
          (delivery += 1000),
          people.productManagers[0],
        );
      }
    }

    // Loops released since last month are closed as delivered, most of them, and their requesters answer.
    for (const id of view.takeNewlyReleased()) {
      if (closing.has(id) || !random.chance(0.6)) continue;
      closing.add(id);
      const closedAt = monthStart + (1 + random.int(27)) * DAY_MS + random.int(8) * HOUR_MS;
      push({ op: 'closeLoop', input: { key: `FB-${id}`, resolution: Resolution.DELIVERED, note: 'delivered; please confirm' } }, closedAt, random.pick(people.productManagers));
      if (random.chance(0.5)) {
        later({
          op: 'verifyClosure',
          input: { key: `FB-${id}`, verdict: Verdict.CONFIRMED, note: 'seen in our cloud' },
          at: at(closedAt + (1 + random.int(30)) * DAY_MS),
          by: submitterOf.get(id)!,
        });
      }
    }

    // New requests, spread over the month, and what follows each.
    const target = Math.round((options.loops * (month + 1)) / MONTHS);
    const count = target - feedbackCount;
    for (let index = 0; index < count; index++) {
      feedbackCount += 1;
      const id = feedbackCount;
      const key = `FB-${id}`;
      const submittedAt = monthStart + DAY_MS + Math.floor(((index + random.next()) / count) * 27 * DAY_MS);
      const submitter = random.pick(people.requesters);
      submitterOf.set(id, submitter.email);
      const projects = random.some(PROJECTS, 1 + random.int(2)).sort();
      const next = releaseAfter(submittedAt);
      const inUse = (next === -1 ? RELEASES.length : next) - 1 - random.int(2);
      push(
        {
          op: 'submitFeedback',
          input: {
            title: `${random.pick(VERBS)} ${random.pick(THINGS)} in ${projects[0]}`.replace(/^./, (first) => first.toUpperCase()),
            body: `We run ${projects.join(' and ')} and need to ${random.pick(VERBS)} ${random.pick(THINGS)} ${random.pick(GOALS)}.`,
            origin: submitter.role === Role.USER ? FeedbackOrigin.USER : FeedbackOrigin.OPERATOR,
            ...(inUse >= 0 ? { releaseInUse: RELEASES[inUse].name } : {}),
            projects,
            tags: random.some(TAGS, random.int(3)).sort(),
          },
        },
        submittedAt,
        submitter.email,
      );
      const voters = new Set<string>();
      const votes = Math.floor(-Math.log(1 - random.next()) * 2.2);
      for (let vote = 0; vote < votes; vote++) {
        const voter = random.pick(people.requesters).email;
        if (voter === submitter.email || voters.has(voter)) continue;
        voters.add(voter);
        later({ op: 'voteFeedback', input: { key }, at: at(submittedAt + (1 + random.int(60 * 24)) * 60_000 * (1 + vote)), by: voter });
      }
      if (!random.chance(0.85)) continue;
      const triagedAt = submittedAt + (1 + random.int(20)) * DAY_MS + random.int(8) * HOUR_MS;
      const pm = random.pick(people.productManagers);
      later({ op: 'triageFeedback', input: { key, note: 'accepted for the roadmap discussion' }, at: at(triagedAt), by: pm });
      if (random.chance(0.05)) {
        later({ op: 'closeLoop', input: { key, resolution: Resolution.DECLINED, note: 'out of what the projects will do' }, at: at(triagedAt + (5 + random.int(30)) * DAY_MS), by: pm });
        closing.add(id);
        continue;
      }
      if (!random.chance(0.75)) continue;
      const themedAt = triagedAt + (2 + random.int(40)) * DAY_MS;
      const available = Math.ceil((size.themes * Math.min(monthOf(themedAt) + 1, 24)) / 24);
      later({
        op: 'linkFeedbackToTheme',
        input: { feedbackKey: key, themeKey: themeKeys[random.int(Math.min(available, themeKeys.length))] ?? themeKeys[0], rationale: 'raised at the Forum' },
        at: at(themedAt),
        by: pm,
      });
    }

    ops.push(...(pending.get(month) ?? []));
    pending.delete(month);
    // Stable: equal times keep the order they were planned in.
    ops.sort((a, b) => a.at.getTime() - b.at.getTime());
    yield* ops;
  }
}
