import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ALLOWED_ROLES, ANY_ROLE, requestOf } from '../common/access';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { Actor } from './actor.entity';
import { ActorsService } from './actors.service';
import { Role } from './role';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Every GraphQL operation carries a bearer token; every resolver method
 * declares with @Allow who may call it. ADMIN may call everything.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly actors: ActorsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true;
    const request = requestOf(context);
    const actor = await this.actorOf(request);
    const allowed = this.reflector.getAllAndOverride<string[] | undefined>(ALLOWED_ROLES, [context.getHandler(), context.getClass()]);
    if (allowed?.includes(ANY_ROLE) || allowed?.includes(actor.role) || actor.role === Role.ADMIN) return true;
    const field = context.getHandler().name;
    throw new ForbiddenError(
      allowed?.length ? `${field} is for ${allowed.join(', ')}; you are ${actor.role}.` : `${field} is not open to anyone.`,
    );
  }

  private async actorOf(request: { headers: Record<string, string | undefined>; actor?: unknown }): Promise<Actor> {
    if (request.actor) return request.actor as Actor;
    const header = request.headers.authorization;
    const secret = header ? BEARER.exec(header)?.[1] : undefined;
    if (!secret) throw new UnauthenticatedError();
    const actor = await this.actors.authenticate(secret);
    if (!actor) throw new UnauthenticatedError('The API token is unknown or revoked.');
    request.actor = actor;
    return actor;
  }
}
