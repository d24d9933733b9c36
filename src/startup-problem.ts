import { ConfigError, LooptraceConfig } from './config/config';

type SystemError = Error & { code?: string; errno?: number; syscall?: string; address?: string; port?: number; driverError?: SystemError };

/** The URL without its password, to name it in a message. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

const SQLITE_CODES = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_PERM', 'SQLITE_IOERR']);
const FILE_CODES = new Set(['EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EROFS', 'EISDIR', 'EEXIST']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
/** PostgreSQL's codes for a login that is refused or a database that is missing. */
const POSTGRES_LOGIN_CODES = new Set(['28P01', '28000', '3D000']);

/**
 * Why the service could not start, in one line that names the setting to
 * change, with no stack trace: the port, the SQLite file, the PostgreSQL
 * server. Anything else is said with its own message.
 */
export function startupProblem(error: unknown, config: Pick<LooptraceConfig, 'database' | 'host' | 'port'>): string {
  if (error instanceof ConfigError) return error.message;
  const failure = ((error as SystemError)?.driverError ?? error) as SystemError;
  const message = failure?.message ?? String(error);
  const code = failure?.code ?? '';
  const { database } = config;
  if (code === 'EADDRINUSE') return `PORT ${failure.port ?? config.port} is already in use${failure.address ? ` on ${failure.address}` : ''}: stop what holds it, or set PORT to another port.`;
  if (failure?.syscall === 'listen' && (code === 'EACCES' || code === 'EADDRNOTAVAIL')) {
    return `cannot listen on HOST ${config.host}, PORT ${config.port} (${code}): choose a port above 1023 or an address of this machine.`;
  }
  if (database.engine === 'sqlite' && (SQLITE_CODES.has(code) || FILE_CODES.has(code) || /unable to open database|readonly database/i.test(message))) {
    return `DATABASE_PATH ${database.path} cannot be opened or created (${code || message}): point it at a file in a folder this user may write to.`;
  }
  if (database.engine === 'postgres' && (NETWORK_CODES.has(code) || POSTGRES_LOGIN_CODES.has(code) || /connect|password|does not exist|timeout/i.test(message))) {
    return `DATABASE_URL ${withoutPassword(database.url)} cannot be reached or refuses the login (${code ? `${code}: ` : ''}${message}).`;
  }
  return message;
}
