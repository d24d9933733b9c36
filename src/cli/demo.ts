import { INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActorsService } from '../actors/actors.service';
import { Role } from '../actors/role';
import { ConflictError } from '../common/errors';
import { FeedbackService } from '../feedback/feedback.service';
import { ImportService } from '../importers/import.service';
import { ThemesService } from '../themes/themes.service';

/** The demo's own decisions about the imported records (demo/curation.json). */
interface Curation {
  actor: { name: string; email: string };
  steps: Array<{ feedback: string; triage?: string; theme?: string }>;
}

/** Which format reads which folder of the demo data. */
const SOURCES: Array<[format: string, folder: string]> = [
  ['pwg-proposal', 'proposals'],
  ['pwg-tracker', 'trackers'],
  ['forum-tags', 'forum-2017-boston'],
];

export interface DemoResult {
  reports: string[];
  curated: number;
  token: string;
  email: string;
}

/**
 * Loads the demo data: the working group's records through the importers,
 * then the curation's triage and links as a demo product manager. Running it
 * again changes nothing; it returns a fresh token of that product manager.
 */
export async function loadDemo(
  app: Pick<INestApplicationContext, 'get'>,
  folder: string,
  importFolder: (format: string, path: string) => Promise<string>,
): Promise<DemoResult> {
  const reports: string[] = [];
  for (const [format, path] of SOURCES) reports.push(await importFolder(format, join(folder, 'openstack-pwg', path)));

  const curation = JSON.parse(readFileSync(join(folder, 'curation.json'), 'utf8')) as Curation;
  const actors = app.get(ActorsService);
  const manager = await actors.findOrCreate({ ...curation.actor, role: Role.PRODUCT_MANAGER });
  const imports = app.get(ImportService);
  const feedback = app.get(FeedbackService);
  const themes = app.get(ThemesService);
  let curated = 0;
  for (const step of curation.steps) {
    const item = await imports.recordOf('feedback', step.feedback);
    const theme = step.theme ? await imports.recordOf('theme', step.theme) : null;
    if (!item || (step.theme && !theme)) continue;
    const triaged = step.triage ? await once(() => feedback.triage(manager, `FB-${item}`, step.triage)) : false;
    const linked = theme
      ? await once(() => themes.linkFeedback(manager, { feedbackKey: `FB-${item}`, themeKey: `TH-${theme}`, rationale: step.triage }))
      : false;
    if (triaged || linked) curated += 1;
  }
  const { token } = await actors.issueToken(null, manager.email, 'demo');
  return { reports, curated, token, email: manager.email };
}

/** Runs a step that refuses with CONFLICT when it was done before; true when it did something now. */
async function once(step: () => Promise<unknown>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
}
