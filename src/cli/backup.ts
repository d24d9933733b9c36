import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';

/**
 * Pages per backup step: every page at once. SQLite restarts a step-by-step
 * backup whenever another connection writes between two steps, so against a
 * busy service it might never finish; one step reads one consistent snapshot
 * while the service's writes go on into its WAL.
 */
const ALL_PAGES = 0x7fffffff;

export interface BackupResult {
  /** Database pages written to the backup file. */
  pages: number;
}

/**
 * Backs up a live SQLite database into a new file with SQLite's online
 * backup API: safe while the service runs and writes, and the file is
 * checked before it is reported done.
 */
export async function backupSqlite(databasePath: string, targetFile: string): Promise<BackupResult> {
  if (!existsSync(databasePath)) throw new Error(`${databasePath} does not exist`);
  if (existsSync(targetFile)) throw new Error(`${targetFile} exists already: back up into a new file`);
  const source = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await source.backup(targetFile, { progress: () => ALL_PAGES });
    checkBackup(targetFile);
    return { pages: totalPages };
  } catch (error) {
    for (const file of [targetFile, `${targetFile}-journal`, `${targetFile}-wal`, `${targetFile}-shm`]) rmSync(file, { force: true });
    throw error;
  } finally {
    source.close();
  }
}

/**
 * A backup nobody can restore from is worse than none: it must pass SQLite's
 * own check. The file is in WAL mode like its source; a read-write connection
 * takes its -wal and -shm files away again when it closes, a read-only one
 * would leave them behind.
 */
function checkBackup(file: string): void {
  const backup = new Database(file, { fileMustExist: true });
  try {
    const problems = backup.pragma('quick_check', { simple: false }) as Array<{ quick_check: string }>;
    const found = problems.map((row) => row.quick_check).filter((text) => text !== 'ok');
    if (found.length) throw new Error(`The backup in ${file} fails SQLite's check: ${found.join('; ')}`);
  } finally {
    backup.close();
  }
}
