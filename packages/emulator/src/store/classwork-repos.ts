import type { Kysely, Updateable } from 'kysely';
import type { Capabilities } from './db.js';
import type { Window } from './repos.js';
import type { Database, Flag } from './schema.js';

/** A file of the emulated Drive. */
export interface DriveFileRow {
  /** Drive-shaped id: 33 characters starting with `1`. */
  id: string;
  title: string;
  mime_type: string;
  /** Lower-case address of the owner; the account need not exist in the emulator. */
  owner_email: string;
  /** JSON array of lower-case addresses the file is shared with. */
  shared_with: string;
  /** 1: anyone with the link may open it. */
  anyone_with_link: Flag;
  created_at: number;
  updated_at: number;
}

export interface TopicRow {
  id: string;
  course_id: string;
  name: string;
  update_time: number;
}

/** Which stream item a classwork row is. */
export type ItemKind = 'COURSE_WORK' | 'ANNOUNCEMENT' | 'MATERIAL';

/**
 * Course work, announcements and course work materials share one table: they have the same life
 * cycle (draft, scheduled, published, deleted), assignees and materials; the columns that only course
 * work has are null for the others.
 */
export interface ClassworkItemRow {
  id: string;
  course_id: string;
  kind: ItemKind;
  /** Title (course work, materials); null for announcements. */
  title: string | null;
  /** Description, or an announcement's text. */
  description: string | null;
  state: string;
  scheduled_time: number | null;
  creation_time: number;
  update_time: number;
  creator_id: string;
  /** The Cloud project whose call created the item: only it may change the item. */
  project_id: string;
  assignee_mode: string;
  /** JSON array of student ids, for INDIVIDUAL_STUDENTS. */
  student_ids: string;
  /** JSON array of materials as the API shows them (Drive details captured when attached). */
  materials: string;
  topic_id: string | null;
  work_type: string | null;
  /** Hundredths of a point; null when ungraded. */
  max_points: number | null;
  /** JSON of the Date and TimeOfDay as given. */
  due_date: string | null;
  due_time: string | null;
  /** The due moment, epoch ms (UTC), for ordering and lateness. */
  due_at: number | null;
  submission_modification_mode: string | null;
  /** JSON array of choices of a multiple-choice question. */
  choices: string | null;
  grading_period_id: string | null;
}

export interface StudentSubmissionRow {
  id: string;
  course_id: string;
  course_work_id: string;
  user_id: string;
  state: string;
  creation_time: number | null;
  update_time: number | null;
  /** Hundredths of a point. */
  draft_grade: number | null;
  assigned_grade: number | null;
  /** The assigned grade as of the last return: what the student sees. */
  released_grade: number | null;
  /** A short answer or the chosen option of a multiple-choice question. */
  answer: string | null;
  /** JSON array of Attachment resources. */
  attachments: string;
  /** JSON array of history entries (see student-submissions/schema.ts). */
  history: string;
  turned_in_at: number | null;
  returned_at: number | null;
}

/** The rubric of one course work item. */
export interface RubricRow {
  id: string;
  course_id: string;
  course_work_id: string;
  /** JSON array of Criterion resources, ids assigned. */
  criteria: string;
  source_spreadsheet_id: string | null;
  /** The Cloud project that created the rubric. */
  project_id: string;
  creation_time: number;
  update_time: number;
}

declare module './schema.js' {
  interface Database {
    drive_files: DriveFileRow;
    topics: TopicRow;
    classwork_items: ClassworkItemRow;
    student_submissions: StudentSubmissionRow;
    rubrics: RubricRow;
  }
}

type Db = Kysely<Database>;

/** Files of the emulated Drive. Loads and saves only; visibility is decided in src/drive. */
export class DriveRepo {
  constructor(private readonly db: Db) {}

  byId(id: string): Promise<DriveFileRow | undefined> {
    return this.db.selectFrom('drive_files').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byIds(ids: readonly string[]): Promise<Map<string, DriveFileRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('drive_files').selectAll().where('id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  list(filter: { owner?: string }, window: Window): Promise<DriveFileRow[]> {
    let query = this.db.selectFrom('drive_files').selectAll();
    if (filter.owner) query = query.where('owner_email', '=', filter.owner);
    return query.orderBy('created_at').orderBy('id').offset(window.offset).limit(window.limit).execute();
  }

  async insert(row: DriveFileRow): Promise<void> {
    await this.db.insertInto('drive_files').values(row).execute();
  }

  async update(id: string, patch: Updateable<DriveFileRow>): Promise<void> {
    await this.db.updateTable('drive_files').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<number> {
    const result = await this.db.deleteFrom('drive_files').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Topics, stream items and student submissions. No policy: loads, counts, locks and saves. */
export class ClassworkRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  topic(courseId: string, id: string): Promise<TopicRow | undefined> {
    return this.db.selectFrom('topics').selectAll().where('course_id', '=', courseId).where('id', '=', id).executeTakeFirst();
  }

  topicByName(courseId: string, name: string): Promise<TopicRow | undefined> {
    return this.db.selectFrom('topics').selectAll().where('course_id', '=', courseId).where('name', '=', name).executeTakeFirst();
  }

  /** A course's topics, most recently updated first. */
  topics(courseId: string, window: Window): Promise<TopicRow[]> {
    return this.db
      .selectFrom('topics')
      .selectAll()
      .where('course_id', '=', courseId)
      .orderBy('update_time', 'desc')
      .orderBy('id', 'desc')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  async countTopics(courseId: string): Promise<number> {
    const row = await this.db
      .selectFrom('topics')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('course_id', '=', courseId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insertTopic(row: TopicRow): Promise<void> {
    await this.db.insertInto('topics').values(row).execute();
  }

  async updateTopic(id: string, patch: Updateable<TopicRow>): Promise<void> {
    await this.db.updateTable('topics').set(patch).where('id', '=', id).execute();
  }

  /** Deletes a topic and detaches the items filed under it. */
  async deleteTopic(courseId: string, id: string, now: number): Promise<void> {
    await this.db
      .updateTable('classwork_items')
      .set({ topic_id: null, update_time: now })
      .where('course_id', '=', courseId)
      .where('topic_id', '=', id)
      .execute();
    await this.db.deleteFrom('topics').where('id', '=', id).execute();
  }

  item(courseId: string, kind: ItemKind, id: string): Promise<ClassworkItemRow | undefined> {
    return this.db
      .selectFrom('classwork_items')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('kind', '=', kind)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Locks an item's row for the rest of the transaction. */
  async lockItem(courseId: string, kind: ItemKind, id: string): Promise<ClassworkItemRow | undefined> {
    let query = this.db
      .selectFrom('classwork_items')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('kind', '=', kind)
      .where('id', '=', id);
    if (this.caps.rowLocks) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /** Every item of one kind in a course (lists filter and order them in memory). */
  items(courseId: string, kind: ItemKind, states?: readonly string[]): Promise<ClassworkItemRow[]> {
    let query = this.db.selectFrom('classwork_items').selectAll().where('course_id', '=', courseId).where('kind', '=', kind);
    if (states && states.length > 0) query = query.where('state', 'in', [...states]);
    return query.orderBy('creation_time').orderBy('id').execute();
  }

  async insertItem(row: ClassworkItemRow): Promise<void> {
    await this.db.insertInto('classwork_items').values(row).execute();
  }

  async updateItem(id: string, patch: Updateable<ClassworkItemRow>): Promise<void> {
    await this.db.updateTable('classwork_items').set(patch).where('id', '=', id).execute();
  }

  /** Publishes a scheduled draft; false when another request already did. */
  async publishScheduled(id: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('classwork_items')
      .set({ state: 'PUBLISHED', update_time: at, scheduled_time: null })
      .where('id', '=', id)
      .where('state', '=', 'DRAFT')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Drafts of a course whose scheduled time has come. */
  dueDrafts(courseId: string, now: number): Promise<ClassworkItemRow[]> {
    return this.db
      .selectFrom('classwork_items')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('state', '=', 'DRAFT')
      .where('scheduled_time', 'is not', null)
      .where('scheduled_time', '<=', now)
      .execute();
  }

  submission(courseWorkId: string, id: string): Promise<StudentSubmissionRow | undefined> {
    return this.db
      .selectFrom('student_submissions')
      .selectAll()
      .where('course_work_id', '=', courseWorkId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async lockSubmission(courseWorkId: string, id: string): Promise<StudentSubmissionRow | undefined> {
    let query = this.db.selectFrom('student_submissions').selectAll().where('course_work_id', '=', courseWorkId).where('id', '=', id);
    if (this.caps.rowLocks) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /** Submissions of some course work items, optionally of one student. */
  submissions(courseWorkIds: readonly string[], userId?: string): Promise<StudentSubmissionRow[]> {
    if (courseWorkIds.length === 0) return Promise.resolve([]);
    let query = this.db.selectFrom('student_submissions').selectAll().where('course_work_id', 'in', [...courseWorkIds]);
    if (userId) query = query.where('user_id', '=', userId);
    return query.orderBy('id').execute();
  }

  /**
   * Inserts submissions; one that already exists for the same work and student (another request got
   * there first) is left alone. Returns the ids actually inserted.
   */
  async insertSubmissions(rows: readonly StudentSubmissionRow[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let i = 0; i < rows.length; i += 500) {
      const done = await this.db
        .insertInto('student_submissions')
        .values(rows.slice(i, i + 500) as StudentSubmissionRow[])
        .onConflict((oc) => oc.columns(['course_work_id', 'user_id']).doNothing())
        .returning('id')
        .execute();
      for (const row of done) inserted.add(row.id);
    }
    return inserted;
  }

  async updateSubmission(id: string, patch: Updateable<StudentSubmissionRow>): Promise<void> {
    await this.db.updateTable('student_submissions').set(patch).where('id', '=', id).execute();
  }

  /** The rubric of a course work item, if it has one. */
  rubric(courseWorkId: string): Promise<RubricRow | undefined> {
    return this.db.selectFrom('rubrics').selectAll().where('course_work_id', '=', courseWorkId).executeTakeFirst();
  }

  async insertRubric(row: RubricRow): Promise<void> {
    await this.db.insertInto('rubrics').values(row).execute();
  }

  async updateRubric(id: string, patch: Updateable<RubricRow>): Promise<void> {
    await this.db.updateTable('rubrics').set(patch).where('id', '=', id).execute();
  }

  async deleteRubric(id: string): Promise<void> {
    await this.db.deleteFrom('rubrics').where('id', '=', id).execute();
  }
}
