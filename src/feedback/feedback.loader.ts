import { Injectable } from '@nestjs/common';
import { byKeys, requestLoader } from '../common/loaders';
import { FeedbackItem } from './feedback-item.entity';
import { FeedbackService } from './feedback.service';

/** Loads feedback items, their projects and tags, and the viewer's votes, batched per request. */
@Injectable()
export class FeedbackLoader {
  constructor(private readonly feedback: FeedbackService) {}

  load(context: object, id: number | null): Promise<FeedbackItem | null> {
    if (id === null) return Promise.resolve(null);
    return requestLoader<number, FeedbackItem | null>(context, 'feedback', async (ids) =>
      byKeys(ids, await this.feedback.byIds(ids), (item) => item.id),
    ).load(id);
  }

  facets(context: object, id: number): Promise<{ projects: string[]; tags: string[] }> {
    return requestLoader<number, { projects: string[]; tags: string[] }>(context, 'feedback.facets', (ids) =>
      this.feedback.facetsOf(ids),
    ).load(id);
  }

  /** Whether the request's viewer voted for the item; a request has one viewer, so one loader serves it. */
  viewerHasVoted(context: object, viewerId: number, id: number): Promise<boolean> {
    return requestLoader<number, boolean>(context, 'feedback.viewerHasVoted', async (ids) => {
      const voted = await this.feedback.votedBy(viewerId, ids);
      return ids.map((itemId) => voted.has(itemId));
    }).load(id);
  }
}
