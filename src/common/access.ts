import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';

export const ALLOWED_ROLES = 'looptrace:allowed-roles';

/** Any authenticated actor, whatever their role. */
export const ANY_ROLE = '*';

/**
 * Declares who may call a resolver method (ADMIN may call every one). A
 * method without it is refused to every other role: access is granted
 * explicitly, never by omission.
 */
export const Allow = (...roles: string[]) => SetMetadata(ALLOWED_ROLES, roles);

/** The request of a GraphQL or HTTP execution context. */
export function requestOf(context: ExecutionContext): { headers: Record<string, string | undefined>; actor?: unknown } {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext().req;
  }
  return context.switchToHttp().getRequest();
}

/** The actor the request's token belongs to (set by the auth guard). */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => requestOf(context).actor);
