import { Injectable } from '@nestjs/common';
import { In, SelectQueryBuilder } from 'typeorm';
import { eachChunk } from '../common/chunks';
import { OrderDirection, SortKey } from '../common/pagination';
import { IdScope, inScope } from '../common/scopes';
import { TransactionRunner } from '../common/transactions';
import { FeedbackOrderField } from './dto/feedback.inputs';
import { FeedbackItem } from './feedback-item.entity';
import { FeedbackListing, LISTED_ORDER_COLUMNS } from './feedback-listing.entity';

/** The alias of the listing a query of requests is read through. */
const LISTED = 'listed';

/** The listing's copy of each order column. */
const LISTED_ORDER_PATHS: Record<FeedbackOrderField, SortKey<FeedbackItem>> = {
  [FeedbackOrderField.CREATED_AT]: { path: `${LISTED}.createdAt`, direction: 'DESC', value: (item) => item.createdAt },
  [FeedbackOrderField.VOTES]: { path: `${LISTED}.voteCount`, direction: 'DESC', value: (item) => item.voteCount },
  [FeedbackOrderField.STAGE_ENTERED_AT]: { path: `${LISTED}.stageEnteredAt`, direction: 'DESC', value: (item) => item.stageEnteredAt },
  [FeedbackOrderField.LAST_EVENT_AT]: { path: `${LISTED}.lastEventAt`, direction: 'DESC', value: (item) => item.lastEventAt },
};

/** A request and the lists it belongs in, as its facts give them now. */
export interface ListedRequest {
  item: FeedbackItem;
  scopes: readonly string[];
}

/** A stored listing that differs from what a request's facts give. */
export interface ListingMismatch {
  feedbackId: number;
  stored: string;
  derived: string;
}

const sameTime = (a: Date, b: Date) => a.getTime() === b.getTime();

/**
 * The listings of requests (FeedbackListing): how a list filtered by a
 * project, a tag, a theme or a release is read in order from one index, and
 * how the rows are kept equal to what the requests' facts give.
 */
@Injectable()
export class FeedbackListings {
  constructor(private readonly tx: TransactionRunner) {}

  /**
   * Narrows a query of requests (as `feedback`) to those listed in the
   * scope. The first listing a query is narrowed by is joined, and the page
   * is read in its order (orderFor); any further one is a scope of ids.
   */
  narrow<T extends SelectQueryBuilder<FeedbackItem>>(query: T, scope: string): T {
    const parameter = `listedScope${Object.keys(query.getParameters()).filter((name) => name.startsWith('listedScope')).length}`;
    if (!this.isListed(query)) {
      // The scope is compared as a cast: with statistics that sample each index (ANALYZE), SQLite would otherwise estimate the rows of
      // one scope from each of the four indexes' own samples, and might read a page through another order's index and sort it.
      query.innerJoin(FeedbackListing, LISTED, `${LISTED}.feedbackId = feedback.id AND ${LISTED}.scope = CAST(:${parameter} AS TEXT)`, { [parameter]: scope });
    } else {
      query.andWhere(...inScope('feedback.id', this.scope(scope, parameter)));
    }
    return query;
  }

  /** The keyset ordering of a page of the query: the joined listing's copy of the order where it has one, else the request's own. */
  orderFor(query: SelectQueryBuilder<FeedbackItem>, field: FeedbackOrderField, direction: OrderDirection): SortKey<FeedbackItem>[] | null {
    if (!this.isListed(query)) return null;
    return [
      { ...LISTED_ORDER_PATHS[field], direction },
      { path: `${LISTED}.feedbackId`, direction, value: (item) => item.id },
    ];
  }

  /** Scope: the requests listed in the scope. */
  scope(scope: string, parameter = 'listingScope'): IdScope {
    return this.tx.manager
      .createQueryBuilder(FeedbackListing, `${LISTED}In`)
      .select(`${LISTED}In.feedbackId`)
      .where(`${LISTED}In.scope = :${parameter}`, { [parameter]: scope });
  }

  private isListed(query: SelectQueryBuilder<FeedbackItem>): boolean {
    return query.expressionMap.aliases.some((alias) => alias.name === LISTED);
  }

  /**
   * Brings the listings of these requests in line with what they are given:
   * a row for each scope, holding the request's order columns as they are
   * now. Only what differs is written.
   */
  async keep(requests: readonly ListedRequest[]): Promise<void> {
    await eachChunk(requests, async (chunk) => {
      const stored = await this.storedOf(chunk.map(({ item }) => item.id));
      const gone: Array<Pick<FeedbackListing, 'feedbackId' | 'scope'>> = [];
      const reordered: number[] = [];
      const added: FeedbackListing[] = [];
      for (const { item, scopes } of chunk) {
        const rows = stored.get(item.id) ?? new Map<string, FeedbackListing>();
        const wanted = new Set(scopes);
        for (const scope of rows.keys()) if (!wanted.has(scope)) gone.push({ feedbackId: item.id, scope });
        if ([...rows.values()].some((row) => wanted.has(row.scope) && !this.holdsOrderOf(row, item))) reordered.push(item.id);
        for (const scope of wanted) if (!rows.has(scope)) added.push({ feedbackId: item.id, scope, ...this.orderOf(item) });
      }
      if (gone.length) await this.tx.manager.createQueryBuilder().delete().from(FeedbackListing).whereInIds(gone).execute();
      if (reordered.length) await this.copyOrder(reordered);
      if (added.length) await this.tx.manager.insert(FeedbackListing, added);
    });
  }

  /** Copies the order columns of these requests, as they are stored now, into each of their listings: one statement. */
  private async copyOrder(ids: readonly number[]): Promise<void> {
    const postgres = this.tx.manager.connection.options.type === 'postgres';
    const placeholders = ids.map((_id, index) => (postgres ? `$${index + 1}` : '?'));
    await this.tx.manager.query(
      `UPDATE feedback_listing SET created_at = request.created_at, vote_count = request.vote_count,
         stage_entered_at = request.stage_entered_at, last_event_at = request.last_event_at
       FROM feedback_item AS request
       WHERE request.id = feedback_listing.feedback_id AND feedback_listing.feedback_id IN (${placeholders.join(', ')})`,
      [...ids],
    );
  }

  /** Removes every listing, before they are all made again. */
  async clear(): Promise<void> {
    await this.tx.manager.createQueryBuilder().delete().from(FeedbackListing).execute();
  }

  /** How the stored listings of these requests differ from what they are given: each missing, extra or out-of-date row. */
  async mismatches(requests: readonly ListedRequest[]): Promise<ListingMismatch[]> {
    const mismatches: ListingMismatch[] = [];
    await eachChunk(requests, async (chunk) => {
      const stored = await this.storedOf(chunk.map(({ item }) => item.id));
      for (const { item, scopes } of chunk) {
        const rows = stored.get(item.id) ?? new Map<string, FeedbackListing>();
        const describe = (row: FeedbackListing | undefined) => (row ? `${row.scope} ${JSON.stringify(this.orderOf(row))}` : 'none');
        for (const scope of new Set([...scopes, ...rows.keys()])) {
          const row = rows.get(scope);
          const derived = scopes.includes(scope) ? `${scope} ${JSON.stringify(this.orderOf(item))}` : 'none';
          if (describe(row) !== derived) mismatches.push({ feedbackId: item.id, stored: describe(row), derived });
        }
      }
    });
    return mismatches;
  }

  private async storedOf(ids: readonly number[]): Promise<Map<number, Map<string, FeedbackListing>>> {
    const rows = ids.length ? await this.tx.manager.findBy(FeedbackListing, { feedbackId: In([...ids]) }) : [];
    const byRequest = new Map<number, Map<string, FeedbackListing>>();
    for (const row of rows) {
      if (!byRequest.has(row.feedbackId)) byRequest.set(row.feedbackId, new Map());
      byRequest.get(row.feedbackId)!.set(row.scope, row);
    }
    return byRequest;
  }

  private orderOf(from: Pick<FeedbackItem, (typeof LISTED_ORDER_COLUMNS)[number]>): Pick<FeedbackListing, (typeof LISTED_ORDER_COLUMNS)[number]> {
    return { createdAt: from.createdAt, voteCount: from.voteCount, stageEnteredAt: from.stageEnteredAt, lastEventAt: from.lastEventAt };
  }

  private holdsOrderOf(row: FeedbackListing, item: FeedbackItem): boolean {
    return (
      sameTime(row.createdAt, item.createdAt) &&
      row.voteCount === item.voteCount &&
      sameTime(row.stageEnteredAt, item.stageEnteredAt) &&
      sameTime(row.lastEventAt, item.lastEventAt)
    );
  }
}
