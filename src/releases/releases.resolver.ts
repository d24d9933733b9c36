import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../actors/actor.entity';
import { Role } from '../actors/role';
import { Allow, ANY_ROLE, CurrentActor } from '../common/access';
import { Connection, ConnectionType } from '../common/pagination';
import { CreateReleaseInput, ReleasePayload, ReleasesArgs, UpdateReleaseInput } from './dto/release.inputs';
import { Release } from './release.entity';
import { ReleasesService } from './releases.service';

export const ReleaseConnection = ConnectionType(Release);

@Resolver(() => Release)
export class ReleasesResolver {
  constructor(private readonly releasesService: ReleasesService) {}

  @Query(() => Release, { nullable: true })
  @Allow(ANY_ROLE)
  release(@Args('name') name: string): Promise<Release | null> {
    return this.releasesService.findByName(name);
  }

  @Query(() => ReleaseConnection, { description: 'Releases in their order.' })
  @Allow(ANY_ROLE)
  releases(@Args() args: ReleasesArgs): Promise<Connection<Release>> {
    return this.releasesService.list(args);
  }

  @Mutation(() => ReleasePayload)
  @Allow(Role.PRODUCT_MANAGER)
  async createRelease(@CurrentActor() by: Actor, @Args('input') input: CreateReleaseInput): Promise<ReleasePayload> {
    return { release: await this.releasesService.create(by, input) };
  }

  @Mutation(() => ReleasePayload)
  @Allow(Role.PRODUCT_MANAGER)
  async updateRelease(@CurrentActor() by: Actor, @Args('input') input: UpdateReleaseInput): Promise<ReleasePayload> {
    return { release: await this.releasesService.update(by, input) };
  }
}
