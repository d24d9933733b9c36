import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '../../common/pagination';
import { UpdateFieldsOf } from '../../common/update-fields';
import { EVENT_TYPE_PATTERN, matchesAnyEventType } from '../../history/event-catalogue';
import { WebhookDelivery, WebhookDeliveryStatus } from '../webhook-delivery.entity';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events';
import { Webhook } from '../webhook.entity';

// A user name or password in the URL would show wherever the URL does: the webhook list, the history, logs.
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true };
const URL_MESSAGE = 'must be an http:// or https:// URL, without a user name or password';
const EVENTS_MESSAGE = 'each must be an event type sent to webhooks such as loop.closed, a family of them such as loop.*, or *';
const SECRET_MESSAGE = 'must be 16 to 200 characters';
const ID_PATTERN = /^\d{1,15}$/;

/** Each pattern must match an event type that webhooks are sent: a misspelt type would wait for an event that never comes. */
function IsWebhookEventPattern(): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isWebhookEventPattern',
      validator: {
        validate: (pattern: unknown) => typeof pattern === 'string' && matchesAnyEventType(pattern, WEBHOOK_EVENT_TYPES),
        defaultMessage: () => EVENTS_MESSAGE,
      },
    },
    { each: true },
  );
}

@InputType()
export class RegisterWebhookInput {
  @Field({ description: 'Where to POST: an http:// or https:// URL.' })
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000)
  url: string;

  @Field(() => [String], { description: 'The event types to send: loop.closed, a family such as loop.*, or * for every event.' })
  @ArrayNotEmpty()
  @ArrayMaxSize(50)
  @IsWebhookEventPattern()
  events: string[];

  @Field({
    description: 'Keys the X-Looptrace-Signature of every delivery; a new one signs each delivery from its next attempt. It is never shown again.',
  })
  @IsString()
  @Length(16, 200, { message: SECRET_MESSAGE })
  secret: string;

  @Field(() => String, { nullable: true, description: 'A few words on what it is for; on an update, an empty one removes them.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

@InputType()
export class UpdateWebhookInput extends UpdateFieldsOf(RegisterWebhookInput) {
  @Field(() => ID)
  @Matches(ID_PATTERN, { message: 'must be the id of a webhook' })
  id: string;

  @Field(() => Boolean, { nullable: true, description: 'False pauses the webhook, true resumes it.' })
  @IsOptional()
  @IsBoolean()
  active?: boolean | null;
}

@InputType()
export class RetryWebhookDeliveryInput {
  @Field(() => ID)
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'must be the id of a delivery' })
  id: string;
}

@InputType()
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'must be the id of a webhook' })
  webhookId?: string | null;

  @Field(() => WebhookDeliveryStatus, { nullable: true })
  @IsOptional()
  @IsEnum(WebhookDeliveryStatus)
  status?: WebhookDeliveryStatus | null;

  @Field(() => String, { nullable: true, description: 'Deliveries of events of this type, such as loop.closed.' })
  @IsOptional()
  @Matches(EVENT_TYPE_PATTERN, { message: 'must be an event type such as loop.closed' })
  eventType?: string | null;
}

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => WebhookDeliveryFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookDeliveryFilter)
  filter?: WebhookDeliveryFilter | null;
}

@ObjectType()
export class RegisterWebhookPayload {
  @Field(() => Webhook)
  webhook: Webhook;
}

@ObjectType()
export class UpdateWebhookPayload {
  @Field(() => Webhook)
  webhook: Webhook;
}

@ObjectType()
export class RetryWebhookDeliveryPayload {
  @Field(() => WebhookDelivery)
  delivery: WebhookDelivery;
}
