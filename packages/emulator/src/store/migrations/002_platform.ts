import type { Kysely } from 'kysely';

// Frozen once released. The platform's tables: quota counters shared by every process on one database,
// notification registrations and the Pub/Sub topics the emulator delivers to. No foreign keys, so that
// a reset can empty them in any order and a registration outlives nothing it should not.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per quota key, locked (FOR UPDATE) while a request checks and counts, so that processes
  // sharing PostgreSQL never both take the last slot.
  await db.schema
    .createTable('quota_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .execute();

  await db.schema
    .createTable('quota_counters')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('quota_counters_pk', ['key', 'bucket'])
    .execute();

  await db.schema
    .createTable('registrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('feed_type', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text')
    .addColumn('domain', 'text')
    .addColumn('topic_name', 'text', (c) => c.notNull())
    .addColumn('expiry_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registrations_course').on('registrations').column('course_id').execute();
  await db.schema.createIndex('registrations_domain').on('registrations').column('domain').execute();

  await db.schema
    .createTable('pubsub_topics')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('push_endpoint', 'text')
    .addColumn('subscription', 'text')
    .addColumn('publishable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['pubsub_topics', 'registrations', 'quota_counters', 'quota_keys']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
