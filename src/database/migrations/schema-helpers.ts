import { QueryRunner, Table, TableColumnOptions, TableForeignKeyOptions, TableIndex, TableIndexOptions } from 'typeorm';

/** Column builders for migrations, so that one migration runs on SQLite and PostgreSQL alike. */
export class SchemaHelpers {
  constructor(private readonly queryRunner: QueryRunner) {}

  get isPostgres(): boolean {
    return this.queryRunner.connection.driver.options.type === 'postgres';
  }

  id(): TableColumnOptions {
    return { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
  }

  integer(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'integer', ...options };
  }

  string(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'varchar', ...options };
  }

  text(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'text', ...options };
  }

  boolean(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: 'boolean', ...options };
  }

  timestamp(name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions {
    return { name, type: this.isPostgres ? 'timestamptz' : 'datetime', ...options };
  }

  foreignKey(column: string, referencedTable: string, onDelete: 'RESTRICT' | 'CASCADE' = 'RESTRICT'): TableForeignKeyOptions {
    return { columnNames: [column], referencedTableName: referencedTable, referencedColumnNames: ['id'], onDelete };
  }

  index(table: string, columns: string[], options: Partial<TableIndexOptions> = {}): TableIndexOptions {
    const suffix = options.isUnique ? 'uq' : 'idx';
    return { name: `${table}_${columns.join('_')}_${suffix}`, columnNames: columns, ...options };
  }

  /** Inserts a row by column names, with the engine's own placeholders and time format. */
  async insert(table: string, row: Record<string, string | number | boolean | Date | null>): Promise<void> {
    const columns = Object.keys(row);
    const values = Object.values(row).map((value) =>
      value instanceof Date && !this.isPostgres ? value.toISOString().replace('T', ' ').replace('Z', '') : value,
    );
    const placeholders = columns.map((_column, index) => (this.isPostgres ? `$${index + 1}` : '?'));
    await this.queryRunner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})`, values);
  }

  /** Creates the table with its indices. */
  async createTable(table: Table, indices: TableIndexOptions[] = []): Promise<void> {
    indices.forEach((index) => table.addIndex(new TableIndex(index)));
    await this.queryRunner.createTable(table, false, true, true);
  }

  /** Unique among the rows still in force (not removed): two live links between the same records cannot exist. */
  uniqueWhileActive(table: string, columns: string[]): TableIndexOptions {
    return this.index(table, columns, { isUnique: true, where: 'removed_at IS NULL', name: `${table}_${columns.join('_')}_active_uq` });
  }
}
