import { Injectable } from '@nestjs/common';
import { byKeys, groupByKeys, requestLoader } from '../common/loaders';
import { WebhookAttempt } from './webhook-attempt.entity';
import { Webhook } from './webhook.entity';
import { WebhooksService } from './webhooks.service';

/** Loads the webhooks of deliveries and the attempts of each delivery, batched per request. */
@Injectable()
export class WebhookLoader {
  constructor(private readonly webhooks: WebhooksService) {}

  load(context: object, id: number): Promise<Webhook | null> {
    return requestLoader<number, Webhook | null>(context, 'webhook', async (ids) =>
      byKeys(ids, await this.webhooks.byIds(ids), (webhook) => webhook.id),
    ).load(id);
  }

  /** Every attempt to send the delivery, oldest first. */
  attempts(context: object, deliveryId: string): Promise<WebhookAttempt[]> {
    return requestLoader<string, WebhookAttempt[]>(context, 'webhookDelivery.attempts', async (ids) =>
      groupByKeys(ids, await this.webhooks.attemptsOf(ids), (attempt) => attempt.deliveryId),
    ).load(deliveryId);
  }
}
