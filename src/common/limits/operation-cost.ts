import {
  ASTNode,
  DocumentNode,
  FragmentDefinitionNode,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLIncludeDirective,
  GraphQLSchema,
  GraphQLSkipDirective,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionNode,
  SelectionSetNode,
  visit,
} from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination';

/** How many items a plain list (not a connection) is counted for: it has no `first`, so it is counted at a typical size. */
export const PLAIN_LIST_SIZE = 10;

/** Most fields, fragments and selections the analysis walks before it gives up on a document. */
export const MAX_ANALYZED_SELECTIONS = 20_000;

/** What a field's declaration says of its cost (set with @Cost). */
export interface FieldCost {
  /** Added to the cost each time the field is resolved: the work behind it beyond the objects it returns. */
  weight?: number;
  /** For a plain list, how many items to count instead of PLAIN_LIST_SIZE. */
  listSize?: number;
}

export interface OperationMeasure {
  /** Deepest nesting of fields, introspection left out. */
  depth: number;
  /** Objects the operation may return: each connection counted at its page size, down the nesting. */
  nodes: number;
  /** Nodes plus the weights of expensive fields, each as many times as it may run; at least 1. */
  cost: number;
}

const isIntrospection = (type: GraphQLCompositeType, field: GraphQLField<unknown, unknown>) =>
  type.name.startsWith('__') || field.name.startsWith('__');

/** A Relay connection type: what a field with `first` returns, holding edges and nodes. */
function isConnectionType(type: unknown): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return 'edges' in fields && 'nodes' in fields && 'pageInfo' in fields;
}

const CONNECTION_ITEMS = new Set(['edges', 'nodes', 'pageInfo']);

function pageOf(first: unknown): number {
  if (typeof first !== 'number' || !Number.isFinite(first)) return DEFAULT_PAGE_SIZE;
  return Math.max(0, Math.min(Math.floor(first), MAX_PAGE_SIZE));
}

const declaredCost = (field: GraphQLField<unknown, unknown>): FieldCost => (field.extensions?.cost as FieldCost | undefined) ?? {};

/**
 * Counts the objects under a field: an object is 1 plus what is selected in
 * it; a connection multiplies what is selected in it by its page size (its
 * `first`, 20 by default, at most 100); a plain list by its declared or
 * typical size; the edges and nodes of a connection are counted once per
 * item through their node; scalars are free. With weights, a field's
 * declared weight is added every time it may run.
 */
function estimator(withWeights: boolean): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (isIntrospection(type, field)) return 0;
    const declared = declaredCost(field);
    const weight = withWeights ? (declared.weight ?? 0) : 0;
    const returned = getNamedType(field.type);
    if (isConnectionType(type) && CONNECTION_ITEMS.has(field.name)) {
      // Per item of the page: a node is 1 and what is selected in it; an edge counts through its node; pageInfo is free.
      return (field.name === 'nodes' ? 1 + childComplexity : field.name === 'edges' ? childComplexity : 0) + weight;
    }
    if (isConnectionType(returned)) return pageOf(args.first) * childComplexity + weight;
    if (!isCompositeType(returned)) return weight;
    const perItem = 1 + childComplexity;
    if (isListType(getNullableType(field.type))) return (declared.listSize ?? PLAIN_LIST_SIZE) * perItem + weight;
    return perItem + weight;
  };
}

/** Whether @skip or @include leaves the selection out, as execution would. */
function isLeftOut(selection: SelectionNode, variables: Record<string, unknown> | undefined): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, selection, variables);
  const include = getDirectiveValues(GraphQLIncludeDirective, selection, variables);
  return skip?.if === true || include?.if === false;
}

/** The deepest nesting of fields under a selection set: fragments followed, introspection and left-out selections not counted. */
function depthOf(
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> | undefined,
  memo: Map<string, number>,
): number {
  if (!selectionSet) return 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (isLeftOut(selection, variables)) continue;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, fragments, variables, memo));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, variables, memo));
    } else {
      const name = selection.name.value;
      if (!memo.has(name)) {
        memo.set(name, 0);
        memo.set(name, depthOf(fragments.get(name)?.selectionSet, fragments, variables, memo));
      }
      deepest = Math.max(deepest, memo.get(name)!);
    }
  }
  return deepest;
}

/** The operation a request runs: the named one, or the only one. */
function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((operation) => operation.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

/**
 * Measures an operation before it runs, from its document and variables
 * alone (graphql-query-complexity walks the selections, resolving variables,
 * fragments, aliases and @skip/@include). Throws a GraphQLError when the
 * variables do not fit the arguments or the document is too large to walk.
 * A document measured before with the same values of the variables a measure
 * reads is not walked again (its other variables are then left to execution
 * to check).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): OperationMeasure {
  let known = measures.get(document);
  if (!known) measures.set(document, (known = { names: variablesMeasuredBy(document), bySchema: new WeakMap() }));
  const schemaMeasures = known.bySchema.get(schema) ?? new Map<string, OperationMeasure>();
  known.bySchema.set(schema, schemaMeasures);
  const key = JSON.stringify([operationName ?? null, ...known.names.map((name) => variables?.[name] ?? null)]);
  const found = schemaMeasures.get(key);
  if (found) return found;
  const measure = measureAfresh(schema, document, variables, operationName);
  if (schemaMeasures.size >= MEASURES_PER_DOCUMENT) schemaMeasures.clear();
  schemaMeasures.set(key, measure);
  return measure;
}

/**
 * The measures made of each document, by the values of the variables they
 * depend on. The GraphQL server keeps the documents of the operations it
 * sees parsed, and hands the same document for the same text: an operation
 * sent again with other ids is not walked again.
 */
const measures = new WeakMap<DocumentNode, { names: string[]; bySchema: WeakMap<GraphQLSchema, Map<string, OperationMeasure>> }>();

/** Most measures kept per document: one per page size and @skip/@include a client uses, in practice a few. */
const MEASURES_PER_DOCUMENT = 100;

/** The variables a measure reads: those given to a `first` (a page size) or to @skip and @include. No other value changes it. */
export function variablesMeasuredBy(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable: (variable) => {
        names.add(variable.name.value);
      },
    });
  visit(document, {
    Argument: (argument) => {
      if (argument.name.value === 'first') collect(argument.value);
    },
    Directive: (directive) => {
      if (directive.name.value === 'skip' || directive.name.value === 'include') directive.arguments?.forEach((argument) => collect(argument.value));
    },
  });
  return [...names].sort();
}

function measureAfresh(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): OperationMeasure {
  const operation = operationOf(document, operationName);
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const measure = (withWeights: boolean) =>
    getComplexity({
      schema,
      query: document,
      variables,
      operationName: operationName ?? undefined,
      estimators: [estimator(withWeights)],
      maxQueryNodes: MAX_ANALYZED_SELECTIONS,
    });
  return {
    depth: operation ? depthOf(operation.selectionSet, fragments, variables, new Map()) : 0,
    nodes: measure(false),
    cost: Math.max(1, measure(true)),
  };
}
