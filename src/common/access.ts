import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Role } from './role';

export const ALLOWED_ROLES = 'looptrace:allowed-roles';

/** Any authenticated actor, whatever their role. */
export const ANY_ROLE = '*';

/** Any role on its own, or one or more roles: a misspelt role fails to compile rather than quietly leave the method to admins. */
type AllowedRoles = [typeof ANY_ROLE] | [Role, ...Role[]];

/**
 * Declares who may call a resolver method (ADMIN may call every one). A
 * method without it is refused to every other role: access is granted
 * explicitly, never by omission.
 */
export const Allow = (...roles: AllowedRoles) => SetMetadata(ALLOWED_ROLES, roles);

/** The request of a GraphQL or HTTP execution context. */
export function requestOf(context: ExecutionContext): { headers: Record<string, string | undefined>; actor?: unknown } {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext().req;
  }
  return context.switchToHttp().getRequest();
}

/** The actor the request's token belongs to (set by the auth guard). */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => requestOf(context).actor);
