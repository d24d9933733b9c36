import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HistoryModule } from '../history/history.module';
import { Actor } from './actor.entity';
import { ActorLoader } from './actor.loader';
import { ActorsResolver } from './actors.resolver';
import { ActorsService } from './actors.service';
import { ApiToken } from './api-token.entity';
import { AdminBootstrap } from './admin-bootstrap';
import { AuthGuard } from './auth.guard';
import { AuthenticationGate } from './authentication.gate';
import { TokenSockets } from './token-sockets';

@Module({
  imports: [TypeOrmModule.forFeature([Actor, ApiToken]), HistoryModule],
  providers: [ActorsService, ActorLoader, ActorsResolver, AdminBootstrap, AuthenticationGate, TokenSockets, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ActorsService, ActorLoader, AdminBootstrap, AuthenticationGate, TokenSockets],
})
export class ActorsModule {}
