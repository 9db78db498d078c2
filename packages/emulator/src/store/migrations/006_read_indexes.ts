import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Frozen once released. What the read paths need from the schema:
//
// 1. A roster page is read in join order (`ORDER BY created_at, user_id` within a course and role). The
//    index of 001 stopped at created_at, so both databases sorted the whole roster for every page
//    (SQLite: a temp B-tree growing with the course). With user_id in the index, the index is the order.
//
// 2. Every process keeps the callers of recent tokens in memory, and must drop them the moment a token,
//    user, domain, project or grant changes. The tables those live in count their changes:
//    - SQLite (one process): each changed row calls `classroom_auth_changed()`, a function the store
//      registers on its connection, which advances a counter in memory.
//    - PostgreSQL (processes sharing the database): a committed change advances `auth_generation.n`,
//      which each request reads in the round trip that reads limits and clock. The row is updated by a
//      deferred trigger, at commit and once per transaction: the lock on it is taken last and held only
//      while the transaction commits, so it can neither deadlock with a request's row locks nor make a
//      bulk import update it once per row.

/** The tables a caller is made of (token → user → domain, project) and the grants behind tokens. */
const AUTH_TABLES = ['tokens', 'users', 'domains', 'projects', 'grants'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('course_members_course_role').execute();
  await db.schema
    .createIndex('course_members_course_role_order')
    .on('course_members')
    .columns(['course_id', 'role', 'created_at', 'user_id'])
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await db.schema
      .createTable('auth_generation')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('n', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into auth_generation (id, n) values (1, 0)`.execute(db);
    await sql`
      create function classroom_auth_changed() returns trigger language plpgsql as $$
      begin
        if current_setting('classroom.auth_changed', true) is distinct from txid_current()::text then
          perform set_config('classroom.auth_changed', txid_current()::text, true);
          update auth_generation set n = n + 1 where id = 1;
        end if;
        return null;
      end
      $$`.execute(db);
    for (const table of AUTH_TABLES) {
      await sql`
        create constraint trigger ${sql.raw(`${table}_auth_changed`)}
        after insert or update or delete on ${sql.table(table)}
        deferrable initially deferred
        for each row execute function classroom_auth_changed()`.execute(db);
    }
  } else {
    for (const table of AUTH_TABLES) {
      for (const event of ['insert', 'update', 'delete']) {
        await sql`
          create trigger ${sql.raw(`${table}_auth_changed_${event}`)}
          after ${sql.raw(event)} on ${sql.table(table)}
          begin select classroom_auth_changed(); end`.execute(db);
      }
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of AUTH_TABLES) await sql`drop trigger if exists ${sql.raw(`${table}_auth_changed`)} on ${sql.table(table)}`.execute(db);
    await sql`drop function if exists classroom_auth_changed()`.execute(db);
    await db.schema.dropTable('auth_generation').ifExists().execute();
  } else {
    for (const table of AUTH_TABLES) {
      for (const event of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${table}_auth_changed_${event}`)}`.execute(db);
    }
  }
  await db.schema.dropIndex('course_members_course_role_order').execute();
  await db.schema.createIndex('course_members_course_role').on('course_members').columns(['course_id', 'role', 'created_at']).execute();
}
