import { Column, ColumnOptions } from 'typeorm';

/**
 * A point in time. The migrations give it the engine's own type (`datetime` on
 * SQLite, `timestamptz` on PostgreSQL); TypeORM converts to and from Date.
 */
export function TimestampColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ ...options, type: Date } as ColumnOptions);
}

/** A JSON document kept in a text column, portable across engines. */
export function JsonColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ ...options, type: 'simple-json' } as ColumnOptions);
}

/** A timestamp read by a raw query: a Date on PostgreSQL, UTC text ("2026-11-24 07:20:00.000") on SQLite. */
export function dateFromDatabase(value: string | Date): Date {
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}
