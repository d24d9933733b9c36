import { Injectable } from '@nestjs/common';

/** The service's sense of time; tests replace it to move through days without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
