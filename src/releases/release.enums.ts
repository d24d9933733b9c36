import { registerEnumType } from '@nestjs/graphql';

export enum ReleaseState {
  PLANNED = 'PLANNED',
  IN_DEVELOPMENT = 'IN_DEVELOPMENT',
  RELEASED = 'RELEASED',
}

registerEnumType(ReleaseState, { name: 'ReleaseState' });
