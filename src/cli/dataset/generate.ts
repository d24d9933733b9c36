import { NestFactory } from '@nestjs/core';
import { existsSync, writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { Actor } from '../../actors/actor.entity';
import { ActorsService } from '../../actors/actors.service';
import { LooptraceConfig } from '../../config/config';
import { CoreModule } from '../../core.module';
import { WRITER } from '../../database/writer';
import { Release } from '../../releases/release.entity';
import { UsageError } from '../errors';
import { DatasetModel, SqliteHandle, SqliteRowSink } from './bulk-writer';
import { planDataset, PlanOptions } from './plan';

export interface GenerateOptions extends PlanOptions {
  /** The new SQLite file. */
  to: string;
  /** Where to write the secrets of the tokens the dataset's people hold, as JSON by email. */
  tokens?: string;
}

export interface GenerateReport {
  operations: number;
  rows: number;
  seconds: number;
  tokens: Map<string, string>;
}

type SqliteDriver = { databaseConnection: SqliteHandle & { pragma(source: string): unknown } };

/**
 * Generates a dataset into a new SQLite file: the service's own start-up
 * makes the schema and the admin of ADMIN_TOKEN, and the bulk path writes the
 * planned history (bulk-writer.ts), its health tally included. Foreign keys
 * are checked once, at the end.
 */
export async function generateDataset(config: LooptraceConfig, options: GenerateOptions, log: (line: string) => void): Promise<GenerateReport> {
  if (!config.adminToken) throw new UsageError('dataset generate needs ADMIN_TOKEN: the admin who creates the people of the dataset.');
  if (existsSync(options.to)) throw new UsageError(`--to ${options.to} exists already; give a new file.`);
  const started = Date.now();
  const quiet: LooptraceConfig = {
    ...config,
    database: { engine: 'sqlite', path: options.to },
    webhooks: { ...config.webhooks, pollMs: 0 },
    stalls: { ...config.stalls, sweepMs: 0 },
  };
  const app = await NestFactory.createApplicationContext(CoreModule.forRoot(quiet), { logger: false, abortOnError: false });
  try {
    const writer = app.get<DataSource>(WRITER);
    const admin = await app.get(ActorsService).ensureAdminToken(config.adminToken);
    const next = async (table: string) => Number((await writer.query(`SELECT COALESCE(MAX(id), 0) + 1 AS next FROM ${table}`))[0].next);
    const ids = { actor: await next('actor'), token: await next('api_token'), event: await next('loop_event'), notification: await next('notification') };
    if ((await writer.query('SELECT COUNT(*) AS n FROM feedback_item'))[0].n > 0) throw new UsageError(`${options.to} holds requests already.`);
    const db = (writer.driver as unknown as SqliteDriver).databaseConnection;
    db.pragma('foreign_keys = OFF');
    db.pragma('synchronous = OFF');
    // The history's indexes take rows in no order of theirs: a cache that holds them keeps the writes off the disk.
    db.pragma('cache_size = -4000000');
    const sink = new SqliteRowSink(writer, db);
    const model = new DatasetModel(sink, Object.assign(new Actor(), admin), ids, await writer.manager.find(Release));
    let shown = Date.now();
    for (const operation of planDataset(options, model)) {
      model.apply(operation);
      if (Date.now() - shown > 10_000) {
        shown = Date.now();
        log(`${model.operations} operations, ${sink.written} rows, ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
    model.finish();
    sink.close();
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -2000');
    db.pragma('foreign_keys = ON');
    const broken = (await writer.query('PRAGMA foreign_key_check')) as unknown[];
    if (broken.length) throw new Error(`The generated rows break ${broken.length} foreign keys, the first: ${JSON.stringify(broken[0])}`);
    log(`${model.operations} operations written as ${sink.written} rows`);
    if (options.tokens) writeFileSync(options.tokens, `${JSON.stringify(Object.fromEntries(model.tokens), null, 2)}\n`, { mode: 0o600 });
    return { operations: model.operations, rows: sink.written, seconds: (Date.now() - started) / 1000, tokens: model.tokens };
  } finally {
    await app.close();
  }
}
