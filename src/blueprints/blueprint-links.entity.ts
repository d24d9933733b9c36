import { Column, Entity } from 'typeorm';
import { LinkColumns } from '../common/link.columns';

@Entity()
export class ThemeBlueprintLink extends LinkColumns {
  @Column()
  themeId: number;

  @Column()
  blueprintId: number;
}

@Entity()
export class FeedbackBlueprintLink extends LinkColumns {
  @Column()
  feedbackId: number;

  @Column()
  blueprintId: number;
}
