import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ActorsModule } from '../actors/actors.module';
import { HistoryModule } from '../history/history.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { WebhookAddresses } from './webhook-addresses';
import { WebhookAttempt } from './webhook-attempt.entity';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookWorker } from './webhook-worker';
import { Webhook } from './webhook.entity';
import { WebhookLoader } from './webhook.loader';
import { WebhookDeliveryResolver, WebhooksResolver } from './webhooks.resolver';
import { WebhooksService } from './webhooks.service';

/** Signed HTTP POSTs of events to the addresses admins register, through an outbox so that nothing committed is lost. */
@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery, WebhookAttempt]), ActorsModule, HistoryModule, NotificationsModule],
  providers: [WebhooksService, WebhookLoader, WebhookAddresses, WebhookWorker, WebhooksResolver, WebhookDeliveryResolver],
  exports: [WebhooksService, WebhookWorker],
})
export class WebhooksModule {}
