import { registerEnumType } from '@nestjs/graphql';

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
