import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { BlueprintsService } from '../blueprints/blueprints.service';
import { BadUserInputError } from '../common/errors';
import { idFromKey, MAX_ID } from '../common/keys';
import { pageSize, withCount } from '../common/pagination';
import { FEEDBACK_KEY_PREFIX } from '../feedback/feedback-item.entity';
import { FeedbackService } from '../feedback/feedback.service';
import { Consequence } from '../history/consequences';
import { HistoryService } from '../history/history.service';
import { THEME_KEY_PREFIX } from '../themes/theme.entity';
import { ThemesService } from '../themes/themes.service';
import { SEARCH_INDEX, SearchDocument, SearchHitRow, SearchIndex, SearchKind, searchWords } from './search-index';

const offsetCursor = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');

function offsetOf(after: string | null | undefined): number {
  if (!after) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as { offset: unknown };
    // No list holds more hits than there are ids: a larger offset is no cursor of this search.
    if (Number.isInteger(offset) && (offset as number) >= 0 && (offset as number) <= MAX_ID) return offset as number;
  } catch {
    // falls through to the refusal below
  }
  throw BadUserInputError.field('after', 'is not a cursor of this search; pass the endCursor of the previous page');
}

/**
 * Search over requests (title, body, tags), themes and blueprints. The index
 * is written in the transaction of each change, from its event, so that a
 * result is never stale.
 */
@Injectable()
export class SearchService implements OnModuleInit {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    private readonly history: HistoryService,
    private readonly feedback: FeedbackService,
    private readonly themes: ThemesService,
    private readonly blueprints: BlueprintsService,
  ) {}

  onModuleInit(): void {
    this.history.onRecorded(Consequence.SEARCH, async ({ event, kind }) => {
      if (!kind.reindexes) return;
      const document = await this.documentOf(kind.record as SearchKind, event.recordKey);
      if (document) await this.index.put(document);
    });
  }

  private async documentOf(kind: SearchDocument['kind'], key: string): Promise<SearchDocument | null> {
    if (kind === 'feedback') {
      const [item] = await this.feedback.byIds([idFromKey(FEEDBACK_KEY_PREFIX, key, 'key')]);
      if (!item) return null;
      return { kind, recordId: item.id, title: item.title, body: item.body, tags: (await this.feedback.tagsOf(item.id)).join(' ') };
    }
    if (kind === 'theme') {
      const [theme] = await this.themes.byIds([idFromKey(THEME_KEY_PREFIX, key, 'key')]);
      return theme ? { kind, recordId: theme.id, title: theme.title, body: theme.description ?? '', tags: '' } : null;
    }
    const [project, name] = key.split('/');
    const blueprint = await this.blueprints.findByName(project, name);
    return blueprint ? { kind, recordId: blueprint.id, title: blueprint.title, body: blueprint.key, tags: '' } : null;
  }

  async search(query: string, first: number | null | undefined, after: string | null | undefined) {
    const words = searchWords(query);
    const limit = pageSize(first);
    const offset = offsetOf(after);
    // One more than the page tells whether there is a next one; the count is made only when asked for.
    const found = limit === 0 ? [] : await this.index.search(words, limit + 1, offset);
    const hits = found.slice(0, limit);
    const edges = hits.map((hit: SearchHitRow, index) => ({ node: hit, cursor: offsetCursor(offset + index + 1) }));
    return withCount({ edges, nodes: hits, pageInfo: { hasNextPage: found.length > limit, endCursor: edges.at(-1)?.cursor ?? null } }, () =>
      this.index.count(words),
    );
  }
}
