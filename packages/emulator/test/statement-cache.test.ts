import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from '../src/store/db.js';

/** A fresh in-memory database whose `prepare` calls are counted. */
function counted(): { database: SQLite.Database; prepared: string[] } {
  const database = new SQLite(':memory:');
  const prepared: string[] = [];
  const prepare = database.prepare.bind(database);
  database.prepare = ((source: string) => {
    prepared.push(source);
    return prepare(source);
  }) as typeof database.prepare;
  return { database, prepared };
}

interface Table {
  items: { id: number; name: string };
}

const open: SQLite.Database[] = [];
afterEach(() => {
  for (const database of open.splice(0)) if (database.open) database.close();
});

describe('the SQLite statement cache', () => {
  it('prepares a SQL string once and hands back the same statement', () => {
    const { database, prepared } = counted();
    open.push(database);
    const cached = cachingStatements(database);
    const first = cached.prepare('SELECT 1 AS one');
    const second = cached.prepare('SELECT 1 AS one');
    expect(second).toBe(first);
    expect(prepared).toEqual(['SELECT 1 AS one']);
    expect(cached.prepare('SELECT 2 AS two')).not.toBe(first);
    expect(prepared).toHaveLength(2);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const { database, prepared } = counted();
    open.push(database);
    const cached = cachingStatements(database, 2);
    const a = cached.prepare('SELECT 1');
    cached.prepare('SELECT 2');
    expect(cached.prepare('SELECT 1')).toBe(a); // now the most recently used
    cached.prepare('SELECT 3'); // drops SELECT 2
    expect(cached.prepare('SELECT 1')).toBe(a);
    expect(prepared).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3']);
    cached.prepare('SELECT 2');
    expect(prepared).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 2']);
  });

  it('never hands out a statement that is still iterating', () => {
    const { database } = counted();
    open.push(database);
    const cached = cachingStatements(database);
    database.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);');
    const streaming = cached.prepare('SELECT n FROM t ORDER BY n');
    const iterator = streaming.iterate([]);
    expect(iterator.next().value).toEqual({ n: 1 });
    const other = cached.prepare('SELECT n FROM t ORDER BY n');
    expect(other).not.toBe(streaming);
    expect(other.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...iterator]).toEqual([{ n: 2 }, { n: 3 }]);
    // Done iterating: the cached one is reusable again.
    expect(cached.prepare('SELECT n FROM t ORDER BY n')).toBe(streaming);
  });

  it('gives Kysely the same answers with reused statements: parameters, writes, errors, transactions, streams', async () => {
    const { database, prepared } = counted();
    open.push(database);
    const db = new Kysely<Table>({ dialect: new SqliteDialect({ database: cachingStatements(database) }) });
    await db.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text', (c) => c.notNull()).execute();

    for (let id = 1; id <= 5; id++) {
      const result = await db.insertInto('items').values({ id, name: `item ${id}` }).executeTakeFirst();
      expect(result.insertId).toBe(BigInt(id));
    }
    for (let id = 1; id <= 5; id++) {
      expect(await db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst()).toEqual({ id, name: `item ${id}` });
    }
    const inserts = prepared.filter((s) => s.startsWith('insert')).length;
    const selects = prepared.filter((s) => s.startsWith('select')).length;
    expect([inserts, selects]).toEqual([1, 1]);

    // A failed run leaves the statement usable.
    await expect(db.insertInto('items').values({ id: 1, name: 'again' }).execute()).rejects.toThrow(/UNIQUE/);
    await db.insertInto('items').values({ id: 6, name: 'item 6' }).execute();

    // Transactions (begin / commit / rollback statements reused) still commit and roll back.
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('items').set({ name: 'changed' }).where('id', '=', 1).execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('items').set({ name: 'lost' }).where('id', '=', 2).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('items').set({ name: 'lost too' }).where('id', '=', 3).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const names = await db.selectFrom('items').select('name').orderBy('id').execute();
    expect(names.map((r) => r.name)).toEqual(['changed', 'item 2', 'item 3', 'item 4', 'item 5', 'item 6']);

    // A stream (which holds the one connection while it runs), then the same SQL run ordinarily.
    const query = db.selectFrom('items').select('id').orderBy('id');
    const seen: number[] = [];
    for await (const row of query.stream()) seen.push(row.id);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await query.execute()).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);

    // The schema changing under a cached statement.
    await db.schema.alterTable('items').addColumn('extra', 'text').execute();
    expect(await sql<{ c: number }>`select count(*) as c from items`.execute(db).then((r) => r.rows[0]?.c)).toBe(6);
    expect(await db.selectFrom('items').selectAll().where('id', '=', 1).executeTakeFirst()).toEqual({ id: 1, name: 'changed', extra: null });

    await db.destroy();
    expect(database.open).toBe(false);
  });
});
