import { ImplementationStatus } from '../../blueprints/blueprint.enums';
import { SLUG_PATTERN } from '../../common/keys';
import { ThemeKind } from '../../themes/theme.enums';
import { BlueprintRecord, Importer, ImportFile, ImportRecord, ParsedFile, RecordKind, Skip, ThemeRecord, UnreadableFileError } from '../importer';
import { releaseSenseOf } from '../release-sense';
import { readStatus, StatusReading } from '../status-map';
import { readTextFile } from '../text-file';
import { baseNameOf, clip, httpUrl, humanise, saysNothing, slugOf, userStoryKey } from './pwg-common';

/** What a theme's description holds. */
const DESCRIPTION_LIMIT = 20_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function kindOf(value: Json | undefined): string {
  if (value === undefined || value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  return isObject(value) ? 'an object' : `a ${typeof value}`;
}

/** JSON paths as reports show them: tasks_status["Versioned Objects"].projects_status["nova"]. */
const member = (path: string, key: string) => {
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return !path ? name : name.startsWith('[') ? `${path}${name}` : `${path}.${name}`;
};
const entry = (path: string, key: string) => `${path}[${JSON.stringify(key)}]`;
const index = (path: string, at: number) => `${path}[${at}]`;

interface Field {
  key: string;
  value: Json;
}

/** Trackers were written by hand: "tasks_status", "tasks-status" and "Tasks Status" are one field. */
function fieldOf(object: JsonObject, name: string): Field | undefined {
  const key = Object.keys(object).find((candidate) => candidate.trim().toLowerCase().replace(/[-_\s]+/g, ' ') === name);
  return key === undefined ? undefined : { key, value: object[key] };
}

/** A scalar as text; anything else says nothing. */
function textIn(value: Json | undefined): string {
  if (typeof value === 'string') return value.trim();
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** 2017-01-10, or day first as 06-01-2016; null for anything that is no day of the calendar. */
export function trackerDate(text: string): string | null {
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(text.trim());
  const dayFirst = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text.trim());
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]].map(Number) : dayFirst ? [dayFirst[3], dayFirst[2], dayFirst[1]].map(Number) : [];
  if (year === undefined || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The name of whoever submitted the tracker, unless it is the template's "FirstName LastName". */
function submitterOf(value: Json | undefined): string | null {
  const name = isObject(value) ? textIn(fieldOf(value, 'name')?.value) : textIn(value);
  if (saysNothing(name) || /^first\s*name\s+last\s*name$/i.test(name) || /^(your |full )?name$/i.test(name)) return null;
  return clip(name, 100);
}

/** A topic written bare, or as a Gerrit query address (…/#/q/topic:tooz). */
function gerritTopicOf(text: string): string | undefined {
  if (saysNothing(text)) return undefined;
  const query = /topic:([^\s,+&)"']+)/i.exec(text);
  if (query) return query[1];
  return httpUrl(text) ? undefined : clip(text, 200);
}

type BlueprintRef = { kind: 'blueprint'; project: string; name: string } | { kind: 'link' };

/** https://blueprints.launchpad.net/<project>/+spec/<name> names a blueprint; any other address is only a link (a bug report, a review). */
function addressed(url: string): BlueprintRef {
  const address = new URL(url);
  const parts = address.pathname.split('/').filter(Boolean);
  const launchpad = /^((www|blueprints)\.)?launchpad\.net$/i.test(address.hostname);
  if (!launchpad || parts.length < 3 || parts[1] !== '+spec') return { kind: 'link' };
  try {
    return { kind: 'blueprint', project: decodeURIComponent(parts[0]).toLowerCase(), name: decodeURIComponent(parts[2]).toLowerCase() };
  } catch {
    return { kind: 'link' };
  }
}

/** The first status that says something about the work. */
function implementationOf(...readings: StatusReading[]): ImplementationStatus | undefined {
  return readings.map((reading) => reading.sense.implementation).find((status) => status !== ImplementationStatus.UNKNOWN);
}

interface Task {
  name: string;
  slug: string;
  /** Where it was first named. */
  path: string;
  status?: JsonObject;
  statusPath?: string;
}

/** A project's entry under a task, as far as its blueprints need it. */
interface ProjectEntry {
  key: string;
  project: string;
  specUrl: string | null;
  specPath: string;
  specStatus: StatusReading;
}

/** Reads one tracker; every record and skip knows its JSON path. */
class TrackerReading {
  private readonly records: ImportRecord[] = [];
  private readonly skips: Skip[] = [];
  private readonly notes: Skip[] = [];
  private readonly emitted = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly root: JsonObject,
  ) {}

  read(): ParsedFile {
    const story = this.story();
    const tracked = this.trackedLine();
    for (const task of this.tasks()) this.task(story, task, tracked);
    return { records: this.records, skips: this.skips, notes: this.notes };
  }

  /** Something left out of the file altogether. */
  private skip(kind: RecordKind, path: string, reason: string): void {
    this.report(this.skips, kind, path, reason);
  }

  /** Something of a record that is imported without it. */
  private note(kind: RecordKind, path: string, reason: string): void {
    this.report(this.notes, kind, path, reason);
  }

  private report(list: Skip[], kind: RecordKind, path: string, reason: string): void {
    if (list.some((known) => known.at.path === path && known.reason === reason)) return;
    list.push({ kind, at: { file: this.file, path }, reason });
  }

  private statusOf(kind: RecordKind, object: JsonObject, name: string, base: string, what: string): StatusReading {
    const field = fieldOf(object, name);
    const reading = readStatus(field?.value);
    if (field && !reading.known) {
      this.note(kind, member(base, field.key), `${JSON.stringify(reading.word)} is not a status word the importer knows; ${what} left as it was`);
    }
    return reading;
  }

  private story(): ThemeRecord {
    const description = fieldOf(this.root, 'description');
    const text = textIn(description?.value).replace(/\s+/g, ' ');
    const source = textIn(fieldOf(this.root, 'source')?.value);
    const named = saysNothing(source) ? '' : slugOf(baseNameOf(source));
    const slug = named || slugOf(text) || slugOf(baseNameOf(this.file));
    if (!slug) throw new UnreadableFileError(`no user story named: its source, description and file name are all empty`);
    const title = text ? clip(text, 200) : humanise(slug);
    const status = this.statusOf('theme', this.root, 'status', '', "the story's status is");
    const sourceUrl = httpUrl(source);
    const story: ThemeRecord = {
      kind: 'theme',
      sourceKey: userStoryKey(slug),
      at: { file: this.file, path: description?.key ?? '$' },
      title,
      themeKind: ThemeKind.USER_STORY,
      // The story's text is its proposal's (same key): a tracker writing it would erase it at every status change.
      description: text && title !== text ? clip(text, DESCRIPTION_LIMIT) : undefined,
      status: status.sense.theme,
      links: sourceUrl ? [sourceUrl] : undefined,
    };
    this.records.push(story);
    return story;
  }

  /** "Tracked since …": the tracker's date and submitter go with its gaps, the records only it describes. */
  private trackedLine(): string | null {
    const date = fieldOf(this.root, 'date');
    const written = textIn(date?.value);
    const since = written ? trackerDate(written) : null;
    if (date && written && !since) {
      this.note('theme', date.key, `${JSON.stringify(written)} is not a date (2017-01-10, or day-month-year as 06-01-2016); left out`);
    }
    const submitter = submitterOf(fieldOf(this.root, 'submitted by')?.value);
    if (since) return submitter ? `Tracked since ${since}, submitted by ${submitter}.` : `Tracked since ${since}.`;
    return submitter ? `Submitted by ${submitter}.` : null;
  }

  /** The tasks named in tasks, then those only tasks_status knows, once each. */
  private tasks(): Task[] {
    const tasks: Task[] = [];
    const bySlug = new Map<string, Task>();
    const listed = fieldOf(this.root, 'tasks');
    if (listed && Array.isArray(listed.value)) {
      listed.value.forEach((value, at) => {
        const path = index(listed.key, at);
        if (typeof value !== 'string') return this.skip('theme', path, `a task is named by a string; this is ${kindOf(value)}`);
        const slug = slugOf(value);
        if (bySlug.has(slug)) return;
        const task = { name: value.trim(), slug, path };
        bySlug.set(slug, task);
        tasks.push(task);
      });
    } else if (listed && listed.value !== null) {
      this.skip('theme', listed.key, `tasks is ${kindOf(listed.value)}, not a list of names; the tasks are read from tasks_status alone`);
    }
    const statuses = fieldOf(this.root, 'tasks status');
    if (statuses && !isObject(statuses.value)) {
      if (statuses.value !== null) this.skip('theme', statuses.key, `tasks_status is ${kindOf(statuses.value)}, not an object of tasks; no blueprints read`);
      return tasks;
    }
    for (const [name, status] of Object.entries(statuses?.value ?? {})) {
      const path = entry(statuses!.key, name);
      const slug = slugOf(name);
      const known = bySlug.get(slug);
      if (known?.status) {
        this.skip('theme', path, `the same task as ${known.statusPath}; left out`);
        continue;
      }
      if (!isObject(status)) this.skip('theme', path, `the status of a task is an object; this is ${kindOf(status)}`);
      const task = known ?? { name: name.trim(), slug, path };
      if (isObject(status)) Object.assign(task, { status, statusPath: path });
      if (!known) {
        bySlug.set(slug, task);
        tasks.push(task);
      }
    }
    return tasks;
  }

  private task(story: ThemeRecord, task: Task, tracked: string | null): void {
    const path = task.statusPath ?? task.path;
    if (!task.slug || saysNothing(task.name)) {
      const reason = !task.name
        ? "a task without a name (the template's placeholder)"
        : saysNothing(task.name)
          ? `task ${JSON.stringify(task.name)} is the template's placeholder`
          : `task ${JSON.stringify(task.name)} has no letter or digit to name a gap by`;
      this.skip('theme', path, `${reason}; no gap made of it`);
      // A real blueprint filed under a task nobody named still answers the story.
      if (task.status) this.projects(task.status, path, story);
      return;
    }
    const gap: ThemeRecord = {
      kind: 'theme',
      sourceKey: `${story.sourceKey}:task:${task.slug}`,
      at: { file: this.file, path },
      title: clip(task.name, 200),
      themeKind: ThemeKind.GAP,
      parentSourceKey: story.sourceKey,
    };
    this.records.push(gap);
    const lines: string[] = [];
    if (!task.status) {
      this.note('theme', path, `task ${JSON.stringify(task.name)} has no entry in tasks_status; its gap is imported without blueprints`);
    } else {
      const spec = textIn(fieldOf(task.status, 'cross project spec')?.value);
      const specUrl = httpUrl(spec);
      if (specUrl) gap.specUrl = specUrl;
      else if (!saysNothing(spec)) lines.push(`Cross-project spec: ${spec}`);
      gap.gerritTopic = gerritTopicOf(textIn(fieldOf(task.status, 'gerrit topic')?.value));
      gap.status = this.statusOf('theme', task.status, 'xp status', path, "the gap's status is").sense.theme;
      this.projects(task.status, path, gap);
    }
    if (tracked) lines.push(tracked);
    if (lines.length) gap.description = clip(lines.join('\n'), DESCRIPTION_LIMIT);
  }

  private projects(task: JsonObject, path: string, owner: ThemeRecord): void {
    const seen = new Set<string>();
    const statuses = fieldOf(task, 'projects status');
    const statusesPath = statuses ? member(path, statuses.key) : '';
    if (statuses && isObject(statuses.value)) {
      for (const [key, value] of Object.entries(statuses.value)) {
        seen.add(key.trim().toLowerCase());
        if (isObject(value)) this.project(key, value, entry(statusesPath, key), owner);
        else this.skip('blueprint', entry(statusesPath, key), `the status of a project is an object; this is ${kindOf(value)}`);
      }
    } else if (statuses && statuses.value !== null) {
      this.skip('blueprint', statusesPath, `projects_status is ${kindOf(statuses.value)}, not an object of projects; no blueprints read`);
    }
    const listed = fieldOf(task, 'projects');
    if (!listed || !Array.isArray(listed.value)) return;
    listed.value.forEach((value, at) => {
      const name = textIn(value).toLowerCase();
      if (seen.has(name)) return;
      seen.add(name);
      const where = index(member(path, listed.key), at);
      if (saysNothing(name)) this.skip('blueprint', where, "a project without a name (the template's placeholder)");
      else this.skip('blueprint', where, `project ${name} is listed but has no entry in projects_status; no blueprint to import`);
    });
  }

  private project(key: string, value: JsonObject, path: string, owner: ThemeRecord): void {
    const spec = fieldOf(value, 'spec');
    const specText = textIn(spec?.value);
    const specPath = member(path, spec?.key ?? 'spec');
    const specUrl = httpUrl(specText);
    if (!specUrl && !saysNothing(specText)) this.note('blueprint', specPath, `spec ${JSON.stringify(specText)} is not a link; left out`);
    const project: ProjectEntry = {
      key,
      project: key.trim().toLowerCase(),
      specUrl,
      specPath,
      specStatus: this.statusOf('blueprint', value, 'spec status', path, "the spec's status is"),
    };
    const blueprints = fieldOf(value, 'blueprints');
    const listPath = member(path, blueprints?.key ?? 'blueprints');
    const refs: Array<{ name: string; status: Json | undefined; path: string }> = [];
    if (isObject(blueprints?.value ?? null)) {
      for (const [name, status] of Object.entries(blueprints!.value as JsonObject)) refs.push({ name, status, path: entry(listPath, name) });
    } else if (Array.isArray(blueprints?.value)) {
      blueprints.value.forEach((name, at) => refs.push({ name: textIn(name), status: undefined, path: index(listPath, at) }));
    } else if (typeof blueprints?.value === 'string') {
      refs.push({ name: blueprints.value, status: undefined, path: listPath });
    } else if (blueprints && blueprints.value !== null) {
      this.skip('blueprint', listPath, `blueprints is ${kindOf(blueprints.value)}, not an object of names and statuses`);
    }
    if (refs.length === 0) {
      const reason = saysNothing(key) ? "a project without a name (the template's placeholder)" : `project ${project.project} lists no blueprint; nothing to import`;
      this.skip('blueprint', path, reason);
    }
    for (const ref of refs) this.blueprint(ref, project, owner);
  }

  private blueprint(ref: { name: string; status: Json | undefined; path: string }, at: ProjectEntry, owner: ThemeRecord): void {
    const written = ref.name.trim();
    if (saysNothing(written)) {
      this.skip('blueprint', ref.path, written ? `${written} is the template's placeholder, not a blueprint` : 'a blueprint without a name');
      return;
    }
    let project = at.project;
    let name = written.replace(/^(bp|blueprint)\s*[/:]\s*/i, '').toLowerCase();
    let url: string | undefined;
    const address = httpUrl(written);
    if (address) {
      const named = addressed(address);
      if (named.kind === 'link') {
        owner.links = [...new Set([...(owner.links ?? []), address])];
        return;
      }
      ({ project, name } = named);
      url = address;
    } else if (saysNothing(at.key)) {
      this.skip('blueprint', ref.path, `blueprint ${written} sits under a project without a name; left out`);
      return;
    }
    if (!SLUG_PATTERN.test(project)) {
      this.skip('blueprint', ref.path, `${JSON.stringify(at.key)} is not a project name (letters, digits, . _ + -); left out`);
      return;
    }
    if (!SLUG_PATTERN.test(name)) {
      this.skip('blueprint', ref.path, `${JSON.stringify(written)} is not a blueprint name (letters, digits, . _ + -); left out`);
      return;
    }
    const sourceKey = `${owner.sourceKey}:blueprint:${project}/${name}`;
    const earlier = this.emitted.get(sourceKey);
    if (earlier) {
      this.skip('blueprint', ref.path, `the same blueprint as ${earlier}; left out`);
      return;
    }
    this.emitted.set(sourceKey, ref.path);

    const status = readStatus(ref.status);
    if (!status.known) {
      this.note('blueprint', ref.path, `${JSON.stringify(status.word)} is not a status word the importer knows; the implementation status is left as it was`);
    }
    let implementationStatus = implementationOf(status, at.specStatus);
    const definitionStatus = status.sense.definition ?? at.specStatus.sense.definition;
    let targetRelease: string | undefined;
    let deliveredIn: string | undefined;
    const sense = at.specUrl ? releaseSenseOf(at.specUrl) : null;
    // A spec copied from another project's line (keystone pointing at nova's) says nothing of this project's releases.
    if (sense?.project && sense.project !== project) {
      this.note('blueprint', at.specPath, `the spec is in ${sense.project}-specs, not ${project}'s: no release is taken from it for ${project}/${name}`);
    } else if (sense) {
      targetRelease = sense.targetRelease;
      // A DELIVERED outcome can release loops, so a tracker saying the work has not begun outweighs the spec's folder.
      if (sense.deliveredIn && (!implementationStatus || implementationStatus === ImplementationStatus.IMPLEMENTED)) {
        deliveredIn = sense.deliveredIn;
        implementationStatus = ImplementationStatus.IMPLEMENTED;
      } else if (sense.deliveredIn) {
        this.note('blueprint', ref.path, `the spec is filed as implemented in ${sense.deliveredIn} but the tracker says ${implementationStatus}; no delivery recorded`);
      }
    }
    const record: BlueprintRecord = {
      kind: 'blueprint',
      sourceKey,
      at: { file: this.file, path: ref.path },
      project,
      name,
      title: clip(humanise(name), 300),
      url,
      specUrl: at.specUrl ?? undefined,
      definitionStatus,
      implementationStatus,
      targetRelease,
      deliveredIn,
      themeSourceKey: owner.sourceKey,
    };
    this.records.push(record);
  }
}

/**
 * The working group's user story trackers: one user story, its gap tasks,
 * and per project the blueprints and specs that close each gap. Written by
 * hand, so placeholders of the template, free-form status words and
 * addresses in place of names are expected and reported, not fatal.
 */
export class PwgTrackerImporter implements Importer {
  readonly format = 'pwg-tracker';
  readonly description = 'Product WG user story trackers (JSON): the story, its gaps, and per project the blueprints and specs with their status';

  accepts(fileName: string): boolean {
    return /\.json$/i.test(fileName);
  }

  parse(file: ImportFile): ParsedFile {
    const text = readTextFile(file);
    let root: Json;
    try {
      root = JSON.parse(text) as Json;
    } catch (error) {
      throw new UnreadableFileError(`not valid JSON: ${(error as Error).message}`);
    }
    if (!isObject(root)) throw new UnreadableFileError(`not a tracker: a tracker is a JSON object, this is ${kindOf(root)}`);
    const described = textIn(fieldOf(root, 'description')?.value) !== '';
    if (!described && !fieldOf(root, 'tasks') && !fieldOf(root, 'tasks status')) {
      throw new UnreadableFileError(`not a tracker: it has neither a description nor tasks`);
    }
    return new TrackerReading(file.name, root).read();
  }
}
