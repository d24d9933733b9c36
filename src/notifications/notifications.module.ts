import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { HistoryModule } from '../history/history.module';
import { LoopsModule } from '../loops/loops.module';
import { ReleasesModule } from '../releases/releases.module';
import { Notification } from './notification.entity';
import { ActorInboxResolver, NotificationsResolver } from './notifications.resolver';
import { NotificationsService } from './notifications.service';

/** The requesters' inbox: told when their loops are released, closed, reopened or merged. */
@Module({
  imports: [TypeOrmModule.forFeature([Notification]), ActorsModule, FeedbackModule, ReleasesModule, HistoryModule, LoopsModule],
  providers: [NotificationsService, NotificationsResolver, ActorInboxResolver],
  exports: [NotificationsService],
})
export class NotificationsModule {}
