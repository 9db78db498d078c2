import type { Kysely } from 'kysely';

// Frozen once released: later changes go in a new numbered migration. Portable types only.
// Revision 20260111 of the discovery document: student groups and Course.subject.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('courses').addColumn('subject', 'text').execute();

  await db.schema
    .createTable('student_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('student_groups_course').on('student_groups').columns(['course_id', 'created_at']).execute();

  // A member row points at the student's course membership: when the student leaves the course (or
  // becomes a teacher, which re-creates the membership), the database drops them from every group of
  // that course in the same statement, on both dialects, whatever path removed them.
  await db.schema
    .createTable('student_group_members')
    .addColumn('group_id', 'text', (c) => c.notNull().references('student_groups.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('student_group_members_pk', ['group_id', 'user_id'])
    .addForeignKeyConstraint('student_group_members_membership', ['course_id', 'user_id'], 'course_members', ['course_id', 'user_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  await db.schema.createIndex('student_group_members_membership').on('student_group_members').columns(['course_id', 'user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('student_group_members').ifExists().execute();
  await db.schema.dropTable('student_groups').ifExists().execute();
  await db.schema.alterTable('courses').dropColumn('subject').execute();
}
