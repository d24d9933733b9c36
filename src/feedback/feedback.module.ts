import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { HistoryModule } from '../history/history.module';
import { FeedbackProject, FeedbackTag } from './feedback-facet.entity';
import { FeedbackItem } from './feedback-item.entity';
import { FeedbackListing } from './feedback-listing.entity';
import { FeedbackListings } from './feedback-listings';
import { FeedbackVote } from './feedback-vote.entity';
import { FeedbackLoader } from './feedback.loader';
import { FeedbackResolver } from './feedback.resolver';
import { FeedbackService } from './feedback.service';

@Module({
  imports: [TypeOrmModule.forFeature([FeedbackItem, FeedbackVote, FeedbackProject, FeedbackTag, FeedbackListing]), ActorsModule, HistoryModule],
  providers: [FeedbackService, FeedbackListings, FeedbackLoader, FeedbackResolver],
  exports: [FeedbackService, FeedbackListings, FeedbackLoader],
})
export class FeedbackModule {}
