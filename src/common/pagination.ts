import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from './errors';
import { MAX_ID } from './keys';
import { isStorableText, isStorableTime } from './storable';

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, { name: 'OrderDirection' });

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `How many to return: ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}.` })
  @IsOptional()
  @Min(0)
  @Max(100000)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string | null;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  /** How many match, on every page: counted the first time it is read (when the field is asked for), and only then. */
  readonly totalCount: Promise<number>;
}

/** A count (or counts) made the first time it is asked for, and only then. */
export function countOnce<T = number>(count: () => Promise<T>): () => Promise<T> {
  let counted: Promise<T> | null = null;
  return () => (counted ??= count());
}

/** The same page with each node turned into another, its count still made only if it is read. */
export function mapConnection<T, U>(connection: Connection<T>, map: (node: T) => U): Connection<U> {
  return withCount(
    { nodes: connection.nodes.map(map), edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) })), pageInfo: connection.pageInfo },
    () => connection.totalCount,
  );
}

/** The page with its totalCount, which is counted only if it is read. */
export function withCount<T>(page: Omit<Connection<T>, 'totalCount'>, count: () => Promise<number>): Connection<T> {
  return Object.defineProperty(page, 'totalCount', { get: countOnce(count) }) as Connection<T>;
}

/** The GraphQL type of a Relay cursor connection of T: `edges { cursor node }`, `nodes`, `pageInfo`, `totalCount`. */
export function ConnectionType<T>(node: Type<T>, name = node.name): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`, { isAbstract: true })
  abstract class ConnectionClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => [node])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many match, on every page. Counted only when asked for.' })
    totalCount: Promise<number>;
  }
  return ConnectionClass as Type<Connection<T>>;
}

/** One key of a keyset ordering. The last key of every ordering is the unique id, so that the order is total. */
export interface SortKey<T> {
  /** alias.property, as the query builder knows it. */
  path: string;
  direction: 'ASC' | 'DESC';
  value: (row: T) => number | string | Date;
}

type CursorValue = number | string | { d: string };

function encodeCursor(values: Array<number | string | Date>): string {
  const plain: CursorValue[] = values.map((value) => (value instanceof Date ? { d: value.toISOString() } : value));
  return Buffer.from(JSON.stringify(plain)).toString('base64url');
}

/** What a sort key's column holds. */
type SortKind = 'integer' | 'time' | 'text';

/** The kind of the column behind a sort key, as its entity declares it. */
function sortKindOf<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, path: string): SortKind {
  const [alias, property] = path.split('.');
  const type = query.expressionMap.findAliasByName(alias).metadata.findColumnWithPropertyPath(property)?.type;
  if (type === Date || (typeof type === 'string' && /date|time/i.test(type))) return 'time';
  if (type === Number || (typeof type === 'string' && /int/i.test(type))) return 'integer';
  return 'text';
}

/** The sort value a cursor carries for a column of this kind, or undefined when it cannot be one. */
function cursorValue(value: CursorValue, kind: SortKind): number | string | Date | undefined {
  if (kind === 'integer') return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= MAX_ID ? value : undefined;
  if (kind === 'text') return typeof value === 'string' && isStorableText(value) ? value : undefined;
  const time = typeof value === 'object' && value !== null && typeof value.d === 'string' ? new Date(value.d) : null;
  return time && isStorableTime(time) ? time : undefined;
}

/**
 * The sort values a cursor carries. A client may send anything as a cursor:
 * each value must be of its column's kind, so that no engine is asked to
 * compare a column with what it cannot hold.
 */
function decodeCursor(cursor: string, kinds: SortKind[]): Array<number | string | Date> {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorValue[];
    if (!Array.isArray(values) || values.length !== kinds.length) throw new Error('wrong length');
    return values.map((value, index) => {
      const decoded = cursorValue(value, kinds[index]);
      if (decoded === undefined) throw new Error('bad value');
      return decoded;
    });
  } catch {
    throw BadUserInputError.field('after', 'is not a cursor of this list; pass the endCursor of the previous page');
  }
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw BadUserInputError.field('first', 'must be zero or more');
  return Math.min(first, MAX_PAGE_SIZE);
}

/**
 * Builds a connection from a filtered query with keyset pagination: the
 * cursor carries the sort values of the last row, so a page costs the same
 * however deep it lies, and rows added meanwhile neither repeat nor vanish.
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  page: PageArgs,
  sort: SortKey<T>[],
): Promise<Connection<T>> {
  const limit = pageSize(page.first);
  const counting = query.clone();
  const totalCount = () => counting.getCount();
  const rowsQuery = afterCursor(query.clone(), page.after, sort);
  sort.forEach((key, index) =>
    index === 0 ? rowsQuery.orderBy(key.path, key.direction) : rowsQuery.addOrderBy(key.path, key.direction),
  );
  const rows = limit === 0 ? [] : await rowsQuery.limit(limit + 1).getMany();
  return connectionOf(rows, limit, totalCount, sort);
}

/**
 * Narrows the query to the rows after the cursor in the order of the sort
 * keys. When the keys share a direction, as every list's do, that is one
 * row comparison, such as `(a, id) > (x, y)`: an index in the order (after
 * the filter's columns) is searched from the cursor on, so a deep page costs
 * what the first does. Keys of mixed directions take the expanded form,
 * `(a > x) OR (a = x AND id < y)`. For a query that pages many lists at
 * once; paginate does it for one.
 */
export function afterCursor<Q extends SelectQueryBuilder<ObjectLiteral>>(query: Q, after: string | null | undefined, sort: Array<Pick<SortKey<unknown>, 'path' | 'direction'>>): Q {
  if (!after) return query;
  const values = decodeCursor(after, sort.map((key) => sortKindOf(query, key.path)));
  const parameters = Object.fromEntries(values.map((value, index) => [`cursor${index}`, value]));
  const beyond = (key: Pick<SortKey<unknown>, 'direction'>) => (key.direction === 'ASC' ? '>' : '<');
  if (sort.every((key) => key.direction === sort[0].direction)) {
    if (sort.length === 1) return query.andWhere(`${sort[0].path} ${beyond(sort[0])} :cursor0`, parameters);
    const columns = sort.map((key) => key.path).join(', ');
    const cursor = sort.map((_key, index) => `:cursor${index}`).join(', ');
    return query.andWhere(`(${columns}) ${beyond(sort[0])} (${cursor})`, parameters);
  }
  query.andWhere(
    new Brackets((outer) => {
      sort.forEach((key, index) => {
        outer.orWhere(
          new Brackets((inner) => {
            sort.slice(0, index).forEach((earlier, j) => inner.andWhere(`${earlier.path} = :cursor${j}`));
            inner.andWhere(`${key.path} ${beyond(key)} :cursor${index}`);
          }),
        );
      });
    }),
    parameters,
  );
  return query;
}

/**
 * The connection of a page read in the order of the sort keys, with one row
 * more than the page when there is a next page.
 */
export function connectionOf<T>(rows: T[], limit: number, totalCount: () => Promise<number>, sort: Array<Pick<SortKey<T>, 'value'>>): Connection<T> {
  const nodes = rows.slice(0, limit);
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(sort.map((key) => key.value(node))) }));
  return withCount({ edges, nodes, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } }, totalCount);
}
