import { buildSchema, parse } from 'graphql';
import { measureOperation, variablesMeasuredBy } from './operation-cost';

const schema = buildSchema(`
  type PageInfo { hasNextPage: Boolean! }
  type Loop { key: String! title: String! }
  type LoopConnection { edges: [LoopEdge!]! nodes: [Loop!]! pageInfo: PageInfo! }
  type LoopEdge { node: Loop! }
  type Query { loop(key: String!): Loop loops(first: Int, stage: String): LoopConnection! }
`);

describe('measureOperation', () => {
  const document = parse(`query($key: String!, $first: Int, $stage: String, $more: Boolean!) {
    loop(key: $key) @include(if: $more) { key }
    loops(first: $first, stage: $stage) { nodes { key title } }
  }`);

  it('reads only the variables of page sizes and of @skip/@include', () => {
    expect(variablesMeasuredBy(document)).toEqual(['first', 'more']);
  });

  it('gives the measure made before for other values of the variables it does not read', () => {
    const first = measureOperation(schema, document, { key: 'FB-1', first: 10, stage: 'PLANNED', more: true });
    const again = measureOperation(schema, document, { key: 'FB-2', first: 10, stage: 'CLOSED', more: true });
    expect(again).toBe(first);
    expect(first).toEqual({ depth: 3, nodes: 11, cost: 11 });
  });

  it('measures again when a page size or a directive changes', () => {
    expect(measureOperation(schema, document, { key: 'FB-1', first: 50, more: true })).toEqual({ depth: 3, nodes: 51, cost: 51 });
    expect(measureOperation(schema, document, { key: 'FB-1', first: 50, more: false })).toEqual({ depth: 3, nodes: 50, cost: 50 });
    expect(measureOperation(schema, parse('{ loops(first: 3) { nodes { key } } }'), undefined)).toEqual({ depth: 3, nodes: 3, cost: 3 });
  });

  it('does not keep a measure that failed: variables that do not fit are refused each time', () => {
    const bad = parse('query($first: Int) { loops(first: $first) { nodes { key } } }');
    expect(() => measureOperation(schema, bad, { first: 'many' })).toThrow();
    expect(() => measureOperation(schema, bad, { first: 'many' })).toThrow();
  });
});
