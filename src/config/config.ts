import { resolve } from 'node:path';

export type DatabaseConfig =
  | { engine: 'sqlite'; path: string }
  | { engine: 'postgres'; url: string; poolSize: number; ssl: DatabaseSsl };

/** How to talk TLS to PostgreSQL: not at all, encrypted without checking the certificate, or encrypted and verified. */
export type DatabaseSsl = 'disable' | 'require' | 'verify-full';

export interface LooptraceConfig {
  host: string;
  port: number;
  database: DatabaseConfig;
  /** When set, start-up ensures an admin actor holding this token exists. */
  adminToken: string | null;
  /** Log every SQL statement (for debugging). */
  logSql: boolean;
  webhooks: WebhookConfig;
  stalls: StallConfig;
  limits: LimitsConfig;
  observability: ObservabilityConfig;
  /** Whether the schema answers introspection (the IDE needs it); the schema is public in schema.gql anyway. */
  introspection: boolean;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** How the service tells its operators what it does. */
export interface ObservabilityConfig {
  /** NODE_ENV=production: one JSON line per log event, no stack traces of client errors. */
  production: boolean;
  logLevel: LogLevel;
  /** A GraphQL operation that takes longer is logged as slow. */
  slowOperationMs: number;
  /** When set, GET /metrics asks for it as a bearer token. */
  metricsToken: string | null;
}

/** What one request, and one caller over time, may ask of the service (docs/api.md, "Limits"). */
export interface LimitsConfig {
  /** Deepest nesting of fields an operation may have. */
  maxDepth: number;
  /** Most objects an operation may return, each connection counted at its page size. */
  maxNodes: number;
  /** Most an operation may cost: its nodes plus the weights of expensive fields. */
  maxCost: number;
  /** What one token (or, without one, one address) may spend per hour; it refills continuously. */
  budgetPerHour: number;
  /** How long the reads of one request may run before they are stopped. */
  requestTimeoutMs: number;
  /** Largest body a GraphQL request may have, in bytes. */
  graphqlBodyBytes: number;
  /** Largest file upload to POST /imports, in bytes. */
  importBodyBytes: number;
  /** Requests with a bad token one address may send per minute before it is refused for a while. */
  authFailuresPerMinute: number;
  /** Requests without a token one address may send per minute. */
  anonymousPerMinute: number;
}

export interface WebhookConfig {
  /** Delay before the first retry; each further retry waits twice as long. */
  retryBaseMs: number;
  /** Attempts in all before a delivery is marked dead. */
  maxAttempts: number;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
  /** How often the worker looks for deliveries that are due; 0 turns the worker off. */
  pollMs: number;
  /** Lets webhooks reach loopback, private, link-local and other internal addresses, which are refused by default. */
  allowPrivateNetworks: boolean;
}

export interface StallConfig {
  /** An open loop with no event for this many days is stalled. */
  days: number;
  /** How often the sweep looks for newly stalled loops; 0 turns the sweep off. */
  sweepMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${setting} ${reason}`);
  }
}

type Env = Record<string, string | undefined>;

function readPort(env: Env): number {
  const raw = env.PORT?.trim();
  if (!raw) return 3000;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ConfigError('PORT', `must be a whole number from 1 to 65535, got "${raw}"`);
  }
  return port;
}

function readDatabase(env: Env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  // Read whatever the engine, so that a mistake is caught before the day it matters.
  const ssl = (env.DATABASE_SSL?.trim().toLowerCase() || 'disable') as DatabaseSsl;
  if (!['disable', 'require', 'verify-full'].includes(ssl)) {
    throw new ConfigError('DATABASE_SSL', `must be disable, require or verify-full, got "${env.DATABASE_SSL}"`);
  }
  const poolSize = readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 500);
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new ConfigError('DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
    }
    try {
      new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid URL');
    }
    return { engine: 'postgres', url, poolSize, ssl };
  }
  const path = env.DATABASE_PATH?.trim() || './data/looptrace.sqlite';
  if (path !== ':memory:' && path.endsWith('/')) throw new ConfigError('DATABASE_PATH', `must name a file, not a folder, got "${path}"`);
  return { engine: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

function readLogLevel(env: Env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return 'info';
  if (!LOG_LEVELS.includes(raw as LogLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  return raw as LogLevel;
}

function readSecret(env: Env, name: string): string | null {
  const secret = env[name];
  if (secret === undefined || secret === '') return null;
  if (secret.trim() !== secret || secret.length < 16) throw new ConfigError(name, 'must be at least 16 characters with no surrounding spaces');
  return secret;
}

function readAdminToken(env: Env): string | null {
  return readSecret(env, 'ADMIN_TOKEN');
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** A size in bytes, written as a whole number with an optional unit: 1048576, 512kb, 1mb. */
function readSize(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  const match = /^(\d+)\s*(b|kb|mb)?$/.exec(raw);
  const value = match ? Number(match[1]) * SIZE_UNITS[match[2] ?? 'b'] : NaN;
  if (!match || value < min || value > max) {
    throw new ConfigError(name, `must be a size from ${min} bytes to ${max / SIZE_UNITS.mb} mb (such as 1048576, 512kb or 1mb), got "${env[name]}"`);
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback = false): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

/** Builds the one configuration object from the environment; a bad setting throws a ConfigError naming it. */
export function loadConfig(env: Env = process.env): LooptraceConfig {
  const config: LooptraceConfig = {
    host: env.HOST?.trim() || '0.0.0.0',
    port: readPort(env),
    database: readDatabase(env),
    adminToken: readAdminToken(env),
    logSql: readBoolean(env, 'LOG_SQL'),
    webhooks: {
      retryBaseMs: readInteger(env, 'WEBHOOK_RETRY_BASE_MS', 1000, 1, 3_600_000),
      maxAttempts: readInteger(env, 'WEBHOOK_MAX_ATTEMPTS', 8, 1, 100),
      timeoutMs: readInteger(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 1, 600_000),
      pollMs: readInteger(env, 'WEBHOOK_POLL_MS', 1000, 0, 3_600_000),
      allowPrivateNetworks: readBoolean(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS'),
    },
    stalls: {
      days: readInteger(env, 'STALL_DAYS', 30, 1, 3650),
      sweepMs: readInteger(env, 'STALL_SWEEP_MS', 3_600_000, 0, 86_400_000),
    },
    limits: {
      maxDepth: readInteger(env, 'QUERY_MAX_DEPTH', 12, 2, 100),
      maxNodes: readInteger(env, 'QUERY_MAX_NODES', 50_000, 1, 100_000_000),
      maxCost: readInteger(env, 'QUERY_MAX_COST', 100_000, 1, 100_000_000),
      budgetPerHour: readInteger(env, 'QUERY_BUDGET_PER_HOUR', 5_000_000, 1, 1_000_000_000),
      requestTimeoutMs: readInteger(env, 'REQUEST_TIMEOUT_MS', 15_000, 100, 3_600_000),
      graphqlBodyBytes: readSize(env, 'GRAPHQL_BODY_LIMIT', 1024 * 1024, 1024, 100 * 1024 * 1024),
      importBodyBytes: readSize(env, 'IMPORT_BODY_LIMIT', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      authFailuresPerMinute: readInteger(env, 'AUTH_FAILURES_PER_MINUTE', 20, 1, 1_000_000),
      anonymousPerMinute: readInteger(env, 'ANONYMOUS_REQUESTS_PER_MINUTE', 120, 1, 1_000_000),
    },
    observability: {
      production: env.NODE_ENV?.trim() === 'production',
      logLevel: readLogLevel(env),
      slowOperationMs: readInteger(env, 'SLOW_OPERATION_MS', 1000, 1, 3_600_000),
      metricsToken: readSecret(env, 'METRICS_TOKEN'),
    },
    introspection: readBoolean(env, 'GRAPHQL_INTROSPECTION', true),
  };
  if (config.limits.maxCost > config.limits.budgetPerHour) {
    // An operation allowed per request that no budget could ever pay for would be refused forever.
    throw new ConfigError('QUERY_MAX_COST', `must not be more than QUERY_BUDGET_PER_HOUR (${config.limits.budgetPerHour}), got ${config.limits.maxCost}`);
  }
  return config;
}

export const CONFIG = Symbol('LooptraceConfig');
