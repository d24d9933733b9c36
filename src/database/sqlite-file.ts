import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../config/config';

/**
 * Makes the folder of the SQLite file, one level at a time, or says why it
 * cannot, naming DATABASE_PATH. (A recursive mkdir under /proc never
 * returns: Node's loops there, at full CPU, instead of failing.)
 */
export function prepareSqliteFolder(path: string): void {
  const folder = dirname(path);
  const missing: string[] = [];
  let existing = folder;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const refuse = (why: string) => new ConfigError('DATABASE_PATH', `${path}: ${why}; point it at a file in a folder this user may write to`);
  if (!statSync(existing).isDirectory()) throw refuse(`${existing} is not a folder`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      throw refuse(`cannot create the folder ${level} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw refuse(`the folder ${folder} cannot be written to`);
  }
  if (existsSync(path) && !statSync(path).isFile()) throw refuse('it is not a file');
}
