import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { numericId } from '../common/keys';
import { Connection, ConnectionType, PageArgs } from '../common/pagination';
import { Actor } from './actor.entity';
import { ActorLoader } from './actor.loader';
import { ActorsService } from './actors.service';
import { ApiToken } from './api-token.entity';
import { emailSeenBy } from './personal-data';
import {
  CreateActorInput,
  CreateActorPayload,
  IssueTokenInput,
  IssueTokenPayload,
  RevokeTokenInput,
  RevokeTokenPayload,
} from './dto/actor.inputs';
import { Role } from './role';

export const ActorConnection = ConnectionType(Actor);

@Resolver(() => Actor)
export class ActorsResolver {
  constructor(
    private readonly actorsService: ActorsService,
    private readonly actorLoader: ActorLoader,
  ) {}

  @Query(() => Actor, { nullable: true, description: 'Who the token belongs to.' })
  @Allow(ANY_ROLE)
  viewer(@CurrentActor() actor: Actor): Actor {
    return actor;
  }

  @Query(() => ActorConnection, { description: 'Everyone who can use the service, by email (admins only).' })
  @Allow(Role.ADMIN)
  actors(@Args() page: PageArgs): Promise<Connection<Actor>> {
    return this.actorsService.list(page);
  }

  @Mutation(() => CreateActorPayload)
  @Allow(Role.ADMIN)
  async createActor(@CurrentActor() by: Actor, @Args('input') input: CreateActorInput): Promise<CreateActorPayload> {
    return { actor: await this.actorsService.create(by, input) };
  }

  @Mutation(() => IssueTokenPayload, { description: 'The secret is in the payload this once; only its hash is kept.' })
  @Allow(Role.ADMIN)
  issueToken(@CurrentActor() by: Actor, @Args('input') input: IssueTokenInput): Promise<IssueTokenPayload> {
    return this.actorsService.issueToken(by, input.actorEmail, input.label);
  }

  @Mutation(() => RevokeTokenPayload)
  @Allow(Role.ADMIN)
  async revokeToken(@CurrentActor() by: Actor, @Args('input') input: RevokeTokenInput): Promise<RevokeTokenPayload> {
    return { apiToken: await this.actorsService.revokeToken(by, numericId(input.tokenId, 'input.tokenId', 'a token')) };
  }

  @ResolveField(() => String, {
    nullable: true,
    description: 'Personal data: shown to the actor themself, to product managers and to admins; null for everyone else.',
  })
  email(@Parent() actor: Actor, @CurrentActor() viewer: Actor): string | null {
    return emailSeenBy(viewer, actor);
  }

  @ResolveField(() => [ApiToken], { description: "The actor's tokens; visible to the actor and to admins, empty to others." })
  tokens(@Parent() actor: Actor, @CurrentActor() viewer: Actor, @Context() context: object): Promise<ApiToken[]> | ApiToken[] {
    if (viewer.id !== actor.id && viewer.role !== Role.ADMIN) return [];
    return this.actorLoader.tokens(context, actor.id);
  }
}
