import { Inject, Injectable } from '@nestjs/common';
import { DocumentNode, GraphQLError, GraphQLSchema, parse, validate } from 'graphql';
import { CONFIG, LimitsConfig, LooptraceConfig } from '../../config/config';
import { Clock } from '../clock';
import { toGraphQLError } from '../error-formatter';
import { DomainError, QueryTooComplexError, RateLimitedError } from '../errors';
import { Buckets } from './buckets';
import { measureOperation, OperationMeasure } from './operation-cost';
import { refuseUnreadableText } from './operation-text';

const HOUR_MS = 3_600_000;

/** What the answer to an admitted operation tells its caller about the budget (extensions.cost). */
export interface CostReport {
  /** What this operation cost. */
  requested: number;
  /** The objects it may return, as counted against the per-request node limit. */
  nodes: number;
  /** What is left of the caller's budget. */
  remaining: number;
  /** The budget per hour. */
  limit: number;
  /** When the budget will be full again, if nothing more is spent. */
  resetAt: string;
}

/** A refusal as a socket sends it: the same error, without the HTTP status it would have over HTTP. */
function socketErrors(error: unknown): GraphQLError[] {
  if (!(error instanceof DomainError)) throw error;
  return [toGraphQLError(error, 'socket')];
}

const PAGE_ADVICE = 'Ask for smaller pages (first) or fewer nested lists, and page through the rest with after.';

/**
 * Admits an operation or refuses it before it runs: its depth, nodes and cost
 * must be within the per-request limits, and the caller's budget must hold
 * its cost, which is then taken from it.
 */
@Injectable()
export class OperationLimits {
  private readonly limits: LimitsConfig;
  private readonly budgets: Buckets;

  constructor(@Inject(CONFIG) config: LooptraceConfig, clock: Clock) {
    this.limits = config.limits;
    this.budgets = new Buckets(config.limits.budgetPerHour, HOUR_MS, () => clock.now().getTime());
  }

  private schema: GraphQLSchema | null = null;

  /** The schema subscriptions are measured against (the GraphQL server hands it over when it starts). */
  useSchema(schema: GraphQLSchema): void {
    this.schema = schema;
  }

  /**
   * Admits a subscription before it starts, or returns why not. Its text is
   * held to the same bounds as over HTTP before it is parsed; a document that
   * does not parse or validate is left to the socket server to refuse.
   */
  admitSubscription(payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }, callerKey: string): GraphQLError[] | undefined {
    if (!this.schema) return undefined;
    try {
      refuseUnreadableText(payload.query);
    } catch (error) {
      return socketErrors(error);
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch {
      return undefined;
    }
    if (validate(this.schema, document).length) return undefined;
    try {
      this.admit(this.schema, document, payload.variables ?? undefined, payload.operationName, callerKey);
      return undefined;
    } catch (error) {
      return socketErrors(error);
    }
  }

  /** Measures the operation; throws QUERY_TOO_COMPLEX, RATE_LIMITED or BAD_USER_INPUT (variables that do not fit). */
  admit(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    operationName: string | null | undefined,
    callerKey: string,
  ): CostReport {
    const measured = this.measure(schema, document, variables, operationName);
    this.refuseOverLimits(measured);
    const state = this.budgets.take(callerKey, measured.cost);
    const report: CostReport = {
      requested: measured.cost,
      nodes: measured.nodes,
      remaining: state.remaining,
      limit: this.limits.budgetPerHour,
      resetAt: new Date(state.fullAt).toISOString(),
    };
    if (!state.granted) {
      const retryAfter = Math.max(1, Math.ceil(state.retryAfterMs / 1000));
      throw new RateLimitedError(
        `This operation costs ${measured.cost}, and ${state.remaining} of your budget of ${this.limits.budgetPerHour} per hour is left; it refills continuously. Retry in ${retryAfter} s, or ask for less at once.`,
        retryAfter,
        { cost: report },
      );
    }
    return report;
  }

  private measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    operationName: string | null | undefined,
  ): OperationMeasure {
    try {
      return measureOperation(schema, document, variables, operationName);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      if (/maximum allowed number of nodes/.test(error.message)) {
        throw new QueryTooComplexError(`The operation is too large to measure: it has more selections than the analysis walks. ${PAGE_ADVICE}`, {
          exceeded: 'size',
        });
      }
      // Variables that do not fit the arguments: execution refuses them, naming the field, before any resolver runs.
      return { depth: 0, nodes: 0, cost: 1 };
    }
  }

  private refuseOverLimits(measured: OperationMeasure): void {
    const over = (
      [
        ['depth', this.limits.maxDepth, `It nests fields ${measured.depth} levels deep`, 'Nest fewer levels; fetch what lies deeper in a query of its own.'],
        ['nodes', this.limits.maxNodes, `It may return ${measured.nodes} nodes`, PAGE_ADVICE],
        ['cost', this.limits.maxCost, `It costs ${measured.cost}`, `Expensive fields (loopHealth, loopsCsv, search, markdown, json, report, events) weigh more; ask for fewer of them at once. ${PAGE_ADVICE}`],
      ] as const
    ).find(([measure, limit]) => measured[measure] > limit);
    if (!over) return;
    const [exceeded, limit, what, advice] = over;
    throw new QueryTooComplexError(`The operation was not run. ${what}, over the limit of ${limit}. ${advice}`, { exceeded, limit, ...measured });
  }
}
