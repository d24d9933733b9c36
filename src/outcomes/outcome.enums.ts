import { registerEnumType } from '@nestjs/graphql';

export enum OutcomeResult {
  DELIVERED = 'DELIVERED',
  PARTIAL = 'PARTIAL',
  DEFERRED = 'DEFERRED',
  DROPPED = 'DROPPED',
}

registerEnumType(OutcomeResult, {
  name: 'OutcomeResult',
  description: 'What a release did for a blueprint. Only DELIVERED counts as delivered; PARTIAL does not.',
});
