import type { Kysely } from 'kysely';

// Frozen once released: later changes go in a new numbered migration. Portable types only (text,
// integer, bigint). Grades and points are integer hundredths, because production rounds them to two
// decimals and neither dialect's float type round-trips 0.1 exactly.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('drive_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addColumn('shared_with', 'text', (c) => c.notNull())
    .addColumn('anyone_with_link', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('topics_course_name').on('topics').columns(['course_id', 'name']).unique().execute();

  await db.schema
    .createTable('classwork_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('scheduled_time', 'bigint')
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('creator_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('assignee_mode', 'text', (c) => c.notNull())
    .addColumn('student_ids', 'text', (c) => c.notNull())
    .addColumn('materials', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text')
    .addColumn('work_type', 'text')
    .addColumn('max_points', 'integer')
    .addColumn('due_date', 'text')
    .addColumn('due_time', 'text')
    .addColumn('due_at', 'bigint')
    .addColumn('submission_modification_mode', 'text')
    .addColumn('choices', 'text')
    .addColumn('grading_period_id', 'text')
    .execute();
  await db.schema.createIndex('classwork_items_course_kind').on('classwork_items').columns(['course_id', 'kind']).execute();

  await db.schema
    .createTable('student_submissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('course_work_id', 'text', (c) => c.notNull().references('classwork_items.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint')
    .addColumn('update_time', 'bigint')
    .addColumn('draft_grade', 'integer')
    .addColumn('assigned_grade', 'integer')
    .addColumn('released_grade', 'integer')
    .addColumn('answer', 'text')
    .addColumn('attachments', 'text', (c) => c.notNull())
    .addColumn('history', 'text', (c) => c.notNull())
    .addColumn('turned_in_at', 'bigint')
    .addColumn('returned_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('student_submissions_work_user')
    .on('student_submissions')
    .columns(['course_work_id', 'user_id'])
    .unique()
    .execute();
  await db.schema.createIndex('student_submissions_course_user').on('student_submissions').columns(['course_id', 'user_id']).execute();

  await db.schema
    .createTable('rubrics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('course_work_id', 'text', (c) => c.notNull().unique().references('classwork_items.id').onDelete('cascade'))
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('source_spreadsheet_id', 'text')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['rubrics', 'student_submissions', 'classwork_items', 'topics', 'drive_files']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
