import { Injectable, OnModuleInit } from '@nestjs/common';
import { In, IsNull, Repository } from 'typeorm';
import { Actor } from '../actors/actor.entity';
import { ActorsService } from '../actors/actors.service';
import { PublicPerson, publicPerson } from '../actors/personal-data';
import { Clock } from '../common/clock';
import { ForbiddenError } from '../common/errors';
import { Connection, PageArgs, paginate } from '../common/pagination';
import { TransactionRunner } from '../common/transactions';
import { FeedbackItem } from '../feedback/feedback-item.entity';
import { Resolution } from '../feedback/feedback.enums';
import { FeedbackService } from '../feedback/feedback.service';
import { Consequence, ProjectedEvent } from '../history/consequences';
import { EventType, isEventOf } from '../history/event-catalogue';
import { HistoryService } from '../history/history.service';
import { LoopEvent } from '../history/loop-event.entity';
import { ReleasesService } from '../releases/releases.service';
import { Notification, NotificationKind } from './notification.entity';

/** Someone to tell about a loop: who asked for it, or who voted for it. */
export interface Recipient {
  actorId: number;
  person: PublicPerson;
  relation: 'submitter' | 'voter';
}

export interface Audience {
  kind: NotificationKind;
  item: FeedbackItem;
  recipients: Recipient[];
}


/**
 * The requesters' inbox. When a loop is released, closed, reopened or merged,
 * its submitter and everyone who voted for it hear of it, in the same
 * transaction as the event that told.
 */
@Injectable()
export class NotificationsService implements OnModuleInit {
  constructor(
    private readonly history: HistoryService,
    private readonly feedback: FeedbackService,
    private readonly actors: ActorsService,
    private readonly releases: ReleasesService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private get notifications(): Repository<Notification> {
    return this.tx.repository(Notification);
  }

  onModuleInit(): void {
    this.history.onRecorded(Consequence.INBOX, (projected) => this.notify(projected));
  }

  /** The submitter and the voters of a loop, submitter first. */
  private async recipients(feedbackId: number): Promise<Recipient[]> {
    const [item] = await this.feedback.byIds([feedbackId]);
    if (!item) return [];
    const voterIds = await this.feedback.voterIds(feedbackId);
    const people = new Map((await this.actors.byIds([item.submitterId, ...voterIds])).map((actor) => [actor.id, actor]));
    const recipient = (actorId: number, relation: Recipient['relation']) => {
      return { actorId, person: publicPerson(people.get(actorId)!), relation };
    };
    return [recipient(item.submitterId, 'submitter'), ...voterIds.filter((id) => id !== item.submitterId).map((id) => recipient(id, 'voter'))];
  }

  /**
   * Who is to be told of this event, and about which loop: the submitter and
   * voters of the loop, but not whoever caused it. Null when the event tells
   * nobody anything new. The inbox and the webhook payloads share this rule.
   */
  async audience({ event, draft, kind: { notifies: kind }, loops }: ProjectedEvent): Promise<Audience | null> {
    if (!kind || this.isEcho(event)) return null;
    // A merge is told to the people of the duplicate, whose loop it ends; any other event to those of the loop it moved.
    const feedbackId = kind === NotificationKind.MERGED ? draft.touches?.feedback?.[0] : loops[0];
    if (feedbackId === undefined) return null;
    const [item] = await this.feedback.byIds([feedbackId]);
    if (kind === NotificationKind.CLOSED && item.resolution === Resolution.DUPLICATE) return null;
    const recipients = (await this.recipients(feedbackId)).filter((recipient) => recipient.actorId !== event.actorId);
    return { kind, item, recipients };
  }

  private async notify(projected: ProjectedEvent): Promise<void> {
    const { event } = projected;
    const audience = await this.audience(projected);
    if (!audience) return;
    const { kind, item, recipients } = audience;
    const message = await this.messageFor(kind, item, event);
    const rows = recipients.map((recipient) => ({
        actorId: recipient.actorId,
        feedbackId: item.id,
        eventId: event.id,
        kind,
        message,
        asksVerification: kind === NotificationKind.CLOSED && item.resolution === Resolution.DELIVERED && recipient.relation === 'submitter',
        createdAt: event.occurredAt,
        readAt: null,
      }));
    if (rows.length) await this.tx.manager.insert(Notification, rows);
  }

  /**
   * A loop that returns to RELEASED because its closure was lifted (reopened
   * or disputed) was not released anew: its people heard of it the first time.
   */
  private isEcho(event: LoopEvent): boolean {
    if (!isEventOf(event, EventType.LOOP_RELEASED)) return false;
    const cause = event.data.cause?.type;
    return cause === EventType.LOOP_REOPENED || cause === EventType.LOOP_DISPUTED;
  }

  private async messageFor(kind: NotificationKind, item: FeedbackItem, event: LoopEvent): Promise<string> {
    const subject = `${item.key} "${item.title}"`;
    const said = isEventOf(event, EventType.LOOP_CLOSED, EventType.LOOP_REOPENED) ? event.data.note : null;
    const note = said ? `: ${said}` : '';
    switch (kind) {
      case NotificationKind.RELEASED: {
        const [release] = item.completedInReleaseId ? await this.releases.byIds([item.completedInReleaseId]) : [];
        return `${subject} is released: every blueprint answering it is delivered${release ? `, the last in ${release.name}` : ''}.`;
      }
      case NotificationKind.CLOSED:
        return item.resolution === Resolution.DELIVERED
          ? `${subject} was closed as delivered${note}. Does it do what you asked? Confirm or dispute the closure.`
          : `${subject} was closed as ${String(item.resolution).toLowerCase().replace(/_/g, ' ')}${note}.`;
      case NotificationKind.REOPENED:
        return `${subject} was reopened${note}.`;
      case NotificationKind.MERGED:
        return `${subject} was merged into ${isEventOf(event, EventType.FEEDBACK_MERGED) ? event.data.survivorKey : 'another request'}, where its loop goes on; your vote went with it.`;
    }
  }

  /** The actor's inbox, newest first. */
  inbox(actorId: number, unreadOnly: boolean, page: PageArgs): Promise<Connection<Notification>> {
    const query = this.notifications.createQueryBuilder('notification').where('notification.actorId = :actorId', { actorId });
    if (unreadOnly) query.andWhere('notification.readAt IS NULL');
    return paginate(query, page, [{ path: 'notification.id', direction: 'DESC', value: (notification) => notification.id }]);
  }

  unreadCount(actorId: number): Promise<number> {
    return this.notifications.countBy({ actorId, readAt: IsNull() });
  }

  /** Marks the viewer's own notifications read; naming someone else's is refused. */
  markRead(by: Actor, ids: number[]): Promise<Notification[]> {
    return this.tx.run(async () => {
      const found = await this.tx.manager.findBy(Notification, { id: In(ids) });
      const foreign = found.find((notification) => notification.actorId !== by.id);
      if (foreign || found.length !== new Set(ids).size) throw new ForbiddenError('You can only mark your own notifications read.');
      const unread = found.filter((notification) => notification.readAt === null);
      const now = this.clock.now();
      if (unread.length) await this.tx.manager.update(Notification, { id: In(unread.map((notification) => notification.id)) }, { readAt: now });
      unread.forEach((notification) => (notification.readAt = now));
      return found.sort((a, b) => b.id - a.id);
    });
  }
}
