import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { FeedbackModule } from '../feedback/feedback.module';
import { HistoryModule } from '../history/history.module';
import { ReleasesModule } from '../releases/releases.module';
import { FeedbackThemeLink } from './feedback-theme-link.entity';
import { Theme } from './theme.entity';
import { ThemeLoader } from './theme.loader';
import { ThemesResolver } from './themes.resolver';
import { ThemesService } from './themes.service';

@Module({
  imports: [TypeOrmModule.forFeature([Theme, FeedbackThemeLink]), ActorsModule, FeedbackModule, ReleasesModule, HistoryModule],
  providers: [ThemesService, ThemeLoader, ThemesResolver],
  exports: [ThemesService, ThemeLoader],
})
export class ThemesModule {}
