import { Entity, PrimaryColumn } from 'typeorm';

/** A project a feedback item concerns; one row per project, so that filters use an index. */
@Entity()
export class FeedbackProject {
  @PrimaryColumn()
  feedbackId: number;

  @PrimaryColumn()
  project: string;
}

@Entity()
export class FeedbackTag {
  @PrimaryColumn()
  feedbackId: number;

  @PrimaryColumn()
  tag: string;
}
