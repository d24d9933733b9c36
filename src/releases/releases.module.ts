import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryModule } from '../history/history.module';
import { Release } from './release.entity';
import { ReleaseLoader } from './release.loader';
import { ReleasesResolver } from './releases.resolver';
import { ReleasesService } from './releases.service';

@Module({
  imports: [TypeOrmModule.forFeature([Release]), HistoryModule],
  providers: [ReleasesService, ReleaseLoader, ReleasesResolver],
  exports: [ReleasesService, ReleaseLoader],
})
export class ReleasesModule {}
