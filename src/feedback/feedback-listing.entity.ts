import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../common/columns';

/**
 * Where a request is listed: one row for each list filtered through another
 * table that holds it (a project, a tag, a theme, a release), with a copy of
 * the request's order columns, so that a page of such a list is read in the
 * order of one index from its cursor, as an unfiltered page is
 * (decisions/0015). The loops part keeps the rows of every request in step,
 * in the write's transaction (HealthTallyService, from the same facts as the
 * tally); the feedback part reads them.
 */
@Entity()
export class FeedbackListing {
  @PrimaryColumn()
  feedbackId: number;

  /** The list, such as `project:nova`, `tag:upgrades`, `theme:12` (see ListingScope). */
  @PrimaryColumn()
  scope: string;

  @TimestampColumn()
  createdAt: Date;

  @Column({ type: 'integer' })
  voteCount: number;

  @TimestampColumn()
  stageEnteredAt: Date;

  @TimestampColumn()
  lastEventAt: Date;
}

/** The order columns a listing copies from its request. */
export const LISTED_ORDER_COLUMNS = ['createdAt', 'voteCount', 'stageEnteredAt', 'lastEventAt'] as const;

/**
 * The lists a request can be in, by how the filters of `feedbackItems` and
 * `loops` name them. A loop's project is one it names or one of a blueprint
 * answering it; a request's named project only one it names.
 */
export const ListingScope = {
  /** Loops naming the project or answered by one of its blueprints (the loop filter). */
  project: (project: string) => `project:${project.trim().toLowerCase()}`,
  /** Requests naming the project (the request filter). */
  namedProject: (project: string) => `named:${project.trim().toLowerCase()}`,
  tag: (tag: string) => `tag:${normalTag(tag)}`,
  /** Loops linked to the theme or to a theme under it. */
  theme: (themeId: number) => `theme:${themeId}`,
  /** Loops the release completed, or that a blueprint answering them targets or has an outcome in. */
  release: (releaseId: number) => `release:${releaseId}`,
};

/** A tag as stored: trimmed, without its #, in lower case. */
export const normalTag = (tag: string) => tag.trim().replace(/^#+/, '').toLowerCase();
