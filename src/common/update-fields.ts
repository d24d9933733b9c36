import { Type } from '@nestjs/common';
import { PartialType } from '@nestjs/graphql';

/** The fields of an input as an update receives them: each may be left out, and a nullable one may come as null. */
export type UpdateFields<T> = { [K in keyof T]?: T[K] | null };

/**
 * The fields of a create input for the update of the same record: the same
 * types and rules, each optional, and none with a default, since a default
 * would overwrite what the record holds whenever an update leaves it out.
 */
export function UpdateFieldsOf<T>(create: Type<T>): Type<UpdateFields<T>> {
  return PartialType(create, { omitDefaultValues: true }) as Type<UpdateFields<T>>;
}
