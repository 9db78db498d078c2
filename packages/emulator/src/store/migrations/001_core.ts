import type { Kysely } from 'kysely';

// Frozen once released: later changes go in a new numbered migration. Types are the portable subset
// both SQLite and PostgreSQL accept (text, integer, bigint), so one migration serves both dialects.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('domains')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('api_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('domain', 'text', (c) => c.notNull().references('domains.name'))
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('can_create_courses', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('classroom_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('api_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('ACTIVE'))
    .addColumn('group_memberships', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('verified_teacher', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_domain').on('users').column('domain').execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('grants')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('grants_pk', ['user_id', 'project_id'])
    .execute();

  await db.schema
    .createTable('tokens')
    .addColumn('token', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('service_account', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('courses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('section', 'text')
    .addColumn('description_heading', 'text')
    .addColumn('description', 'text')
    .addColumn('room', 'text')
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('course_state', 'text', (c) => c.notNull())
    .addColumn('enrollment_code', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('update_time', 'bigint', (c) => c.notNull())
    .addColumn('teacher_folder_id', 'text', (c) => c.notNull())
    .addColumn('teacher_folder_owner_id', 'text')
    .addColumn('guardians_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('calendar_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text')
    .addColumn('grading_period_settings', 'text')
    .addColumn('gradebook_settings', 'text')
    .addColumn('transfer_from_id', 'text')
    .addColumn('transfer_done_at', 'bigint')
    .execute();
  await db.schema.createIndex('courses_owner').on('courses').column('owner_id').execute();

  await db.schema
    .createTable('course_aliases')
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_aliases_pk', ['namespace', 'alias'])
    .execute();
  await db.schema.createIndex('course_aliases_course').on('course_aliases').column('course_id').execute();

  await db.schema
    .createTable('course_members')
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('course_members_pk', ['course_id', 'user_id'])
    .execute();
  await db.schema.createIndex('course_members_user').on('course_members').column('user_id').execute();
  await db.schema.createIndex('course_members_course_role').on('course_members').columns(['course_id', 'role', 'created_at']).execute();

  await db.schema
    .createTable('course_joins')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('course_joins_user_at').on('course_joins').columns(['user_id', 'at']).execute();

  await db.schema
    .createTable('invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('course_id', 'text', (c) => c.notNull().references('courses.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('invitations_course_user').on('invitations').columns(['course_id', 'user_id']).unique().execute();
  await db.schema.createIndex('invitations_user').on('invitations').column('user_id').execute();

  await db.schema
    .createTable('guardians')
    .addColumn('student_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('guardian_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('invited_email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('guardians_pk', ['student_id', 'guardian_id'])
    .execute();

  await db.schema
    .createTable('guardian_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('student_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('invited_email', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guardian_invitations_student').on('guardian_invitations').column('student_id').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'settings', 'guardian_invitations', 'guardians', 'invitations', 'course_joins', 'course_members',
    'course_aliases', 'courses', 'tokens', 'grants', 'projects', 'users', 'domains',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
