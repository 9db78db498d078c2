import type { Kysely } from 'kysely';

// Frozen once released: later changes go in a new numbered migration. Portable types only (text,
// integer, bigint). Points earned are integer hundredths, as grades are in 003_classwork.

export async function up(db: Kysely<unknown>): Promise<void> {
  // A Cloud project registered as a Classroom add-on (what the Marketplace SDK's app configuration holds).
  await db.schema
    .createTable('add_ons')
    .addColumn('project_id', 'text', (c) => c.primaryKey().references('projects.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('attachment_uri_prefixes', 'text', (c) => c.notNull())
    .addColumn('setup_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // The addOnToken Classroom passes to the add-on's iframe: one user, one item, one add-on.
  await db.schema
    .createTable('add_on_tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('classwork_items.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('add_on_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('classwork_items.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('teacher_view_uri', 'text', (c) => c.notNull())
    .addColumn('student_view_uri', 'text', (c) => c.notNull())
    .addColumn('student_work_review_uri', 'text')
    .addColumn('due_date', 'text')
    .addColumn('due_time', 'text')
    .addColumn('max_points', 'integer')
    .addColumn('copy_history', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('add_on_attachments_item').on('add_on_attachments').columns(['item_id', 'project_id']).execute();

  // The add-on's grade of one student's Classroom submission, per attachment.
  await db.schema
    .createTable('add_on_submissions')
    .addColumn('attachment_id', 'text', (c) => c.notNull().references('add_on_attachments.id').onDelete('cascade'))
    .addColumn('submission_id', 'text', (c) => c.notNull().references('student_submissions.id').onDelete('cascade'))
    .addColumn('points_earned', 'integer')
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('add_on_submissions_pk', ['attachment_id', 'submission_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['add_on_submissions', 'add_on_attachments', 'add_on_tokens', 'add_ons']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
