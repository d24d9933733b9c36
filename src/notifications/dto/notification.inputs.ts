import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsBoolean, IsOptional, Matches } from 'class-validator';
import { PageArgs } from '../../common/pagination';
import { Notification } from '../notification.entity';

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false })
  @IsOptional()
  @IsBoolean()
  unreadOnly?: boolean;
}

@InputType()
export class MarkNotificationsReadInput {
  @Field(() => [ID])
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @Matches(/^\d{1,15}$/, { each: true, message: 'each must be the id of a notification' })
  ids: string[];
}

@ObjectType()
export class MarkNotificationsReadPayload {
  @Field(() => [Notification])
  notifications: Notification[];

  @Field(() => Int, { description: 'How many of your notifications are still unread.' })
  unreadCount: number;
}
