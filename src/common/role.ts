import { registerEnumType } from '@nestjs/graphql';

/**
 * The roles belong to the actors, but they live here so that @Allow can
 * accept only real roles: common/ may not import a feature, and every
 * feature, the history below the actors included, may import common/.
 */
export enum Role {
  USER = 'USER',
  OPERATOR = 'OPERATOR',
  TECH_LEAD = 'TECH_LEAD',
  PRODUCT_MANAGER = 'PRODUCT_MANAGER',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What an actor may do. ADMIN may do everything the other roles may.',
});
