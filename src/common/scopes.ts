import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A subquery a part builds over its own tables, selecting the ids of its
 * records that match something. Another part narrows its own query by it
 * (`inScope`), so that no part writes SQL naming another part's tables or
 * columns. Each part names the parameters of its scopes after itself, so
 * that scopes of several parts can share one query.
 */
export type IdScope = SelectQueryBuilder<ObjectLiteral>;

/** `column IN (scope)` with the scope's parameters, for where, andWhere and orWhere. */
export function inScope(column: string, scope: IdScope): [string, ObjectLiteral] {
  return [`${column} IN (${scope.getQuery()})`, scope.getParameters()];
}

/** `column NOT IN (scope)` with the scope's parameters. */
export function notInScope(column: string, scope: IdScope): [string, ObjectLiteral] {
  return [`${column} NOT IN (${scope.getQuery()})`, scope.getParameters()];
}
