import { Column, Entity } from 'typeorm';
import { LinkColumns } from '../common/link.columns';

@Entity()
export class FeedbackThemeLink extends LinkColumns {
  @Column()
  feedbackId: number;

  @Column()
  themeId: number;
}
