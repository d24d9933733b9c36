import { Extensions } from '@nestjs/graphql';
import { FieldCost } from './operation-cost';

/**
 * Declares what a field costs beyond the objects it returns (its weight), or
 * how many items a plain list of it is counted for. The operation cost
 * analysis reads it from the schema's field extensions.
 */
export const Cost = (cost: FieldCost) => Extensions({ cost });
