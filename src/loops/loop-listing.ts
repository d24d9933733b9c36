import { ListingScope } from '../feedback/feedback-listing.entity';
import { TallyFacts } from './health/health-tally';

/** What a request says of itself: the projects it names and its tags. */
export interface NamedFacets {
  projects: readonly string[];
  tags: readonly string[];
}

/**
 * The lists a loop is in (FeedbackListing), from the facts the health tally
 * counts it by: the same projects, themes and releases as its slices, and
 * the projects it names and its tags, which the filters of `feedbackItems`
 * read.
 */
export function listingScopesOf(facts: Pick<TallyFacts, 'projects' | 'themeIds' | 'touchedReleaseIds' | 'completedInReleaseId'>, named: NamedFacets): string[] {
  const releases = [...facts.touchedReleaseIds, ...(facts.completedInReleaseId !== null ? [facts.completedInReleaseId] : [])];
  return [
    ...new Set([
      ...facts.projects.map(ListingScope.project),
      ...named.projects.map(ListingScope.namedProject),
      ...named.tags.map(ListingScope.tag),
      ...facts.themeIds.map(ListingScope.theme),
      ...releases.map(ListingScope.release),
    ]),
  ];
}
