import { registerEnumType } from '@nestjs/graphql';

export enum ReleaseState {
  PLANNED = 'PLANNED',
  IN_DEVELOPMENT = 'IN_DEVELOPMENT',
  RELEASED = 'RELEASED',
}

export enum OutcomeResult {
  DELIVERED = 'DELIVERED',
  PARTIAL = 'PARTIAL',
  DEFERRED = 'DEFERRED',
  DROPPED = 'DROPPED',
}

registerEnumType(ReleaseState, { name: 'ReleaseState' });
registerEnumType(OutcomeResult, {
  name: 'OutcomeResult',
  description: 'What a release did for a blueprint. Only DELIVERED counts as delivered; PARTIAL does not.',
});
