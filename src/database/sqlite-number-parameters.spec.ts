import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { bindNumberParameters } from './sqlite-number-parameters';

describe('bindNumberParameters', () => {
  let dataSource: DataSource;
  let connection: Database.Database;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', statementCacheSize: 100 });
    bindNumberParameters(dataSource);
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    await dataSource.query(`INSERT INTO note (id, body) VALUES (1, 'one'), (2, 'two'), (3, 'three')`);
    connection = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
  });

  afterAll(() => dataSource.destroy());

  const byId = (id: number) => dataSource.createQueryBuilder().select('note.body', 'body').from('note', 'note').where('note.id = :id', { id });

  it('leaves the numbers out of the text, so that one prepared statement serves every id', async () => {
    const [sql, parameters] = byId(2).getQueryAndParameters();
    expect(sql).toContain('note.id = ?');
    expect(parameters).toEqual([2n]);
    // What TypeORM does by itself, the reason for all this: the number in the text.
    const plain = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    const [plainSql, plainParameters] = plain.createQueryBuilder().select('note.body', 'body').from('note', 'note').where('note.id = :id', { id: 2 }).getQueryAndParameters();
    expect([plainSql, plainParameters]).toEqual([expect.stringContaining('note.id = 2'), []]);
    const prepare = jest.spyOn(connection, 'prepare');
    try {
      const bodies = [];
      for (const id of [1, 2, 3, 1, 2, 3]) bodies.push((await byId(id).getRawOne<{ body: string }>())!.body);
      expect(bodies).toEqual(['one', 'two', 'three', 'one', 'two', 'three']);
      expect(prepare.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      prepare.mockRestore();
    }
  });

  it('binds an integer as the INTEGER its literal was, and any other number as REAL', async () => {
    const typed = (value: number) =>
      dataSource
        .createQueryBuilder()
        .select('typeof(:value)', 'type')
        .addSelect('CAST(:value AS TEXT)', 'text')
        .from('note', 'note')
        .where('note.id = :id', { id: 1, value })
        .getRawOne<{ type: string; text: string }>();
    expect(await typed(5)).toEqual({ type: 'integer', text: '5' });
    expect(await typed(-3)).toEqual({ type: 'integer', text: '-3' });
    expect(await typed(1.5)).toEqual({ type: 'real', text: '1.5' });
  });

  it('leaves the other values as TypeORM binds them', async () => {
    const rows = await dataSource
      .createQueryBuilder()
      .select('note.id', 'id')
      .from('note', 'note')
      .where('note.body IN (:...bodies)', { bodies: ['one', 'three'] })
      .orWhere('note.id IN (:...ids)', { ids: [2] })
      .orderBy('note.id')
      .getRawMany<{ id: number }>();
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3]);
  });
});
