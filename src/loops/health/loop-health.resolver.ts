import { Args, Query, Resolver } from '@nestjs/graphql';
import { Allow, ANY_ROLE } from '../../common/access';
import { Cost } from '../../common/limits/cost.decorator';
import { LoopFilter } from '../dto/loop.inputs';
import { LoopHealth } from './loop-health.model';
import { LoopHealthService } from './loop-health.service';

@Resolver(() => LoopHealth)
export class LoopHealthResolver {
  constructor(private readonly healthService: LoopHealthService) {}

  @Query(() => LoopHealth, { description: 'Is the loop turning? The funnel, time in stage, stalls, untriaged requests, work without requesters, closure per release.' })
  @Allow(ANY_ROLE)
  @Cost({ weight: 1000 })
  loopHealth(@Args('filter', { type: () => LoopFilter, nullable: true }) filter: LoopFilter | null): Promise<LoopHealth> {
    return this.healthService.health(filter);
  }
}
