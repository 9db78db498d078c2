import type { Kysely, Updateable } from 'kysely';
import type { ClassworkItemRow } from './classwork-repos.js';
import type { Capabilities } from './db.js';
import type { Database } from './schema.js';

/** A Cloud project registered as a Classroom add-on. */
export interface AddOnRow {
  project_id: string;
  title: string;
  /** JSON array of the URI prefixes attachment URIs must start with. */
  attachment_uri_prefixes: string;
  /** Where the Attachment Discovery iframe opens. */
  setup_uri: string;
  created_at: number;
}

/** An addOnToken as Classroom hands it to one user's iframe for one item. */
export interface AddOnTokenRow {
  token: string;
  project_id: string;
  user_id: string;
  course_id: string;
  item_id: string;
  created_at: number;
}

/** An add-on attachment on an announcement, course work or material. */
export interface AddOnAttachmentRow {
  id: string;
  course_id: string;
  item_id: string;
  /** The Cloud project (add-on) that created it: only it may read or change it. */
  project_id: string;
  title: string;
  teacher_view_uri: string;
  student_view_uri: string;
  student_work_review_uri: string | null;
  /** JSON of the Date and TimeOfDay as given. */
  due_date: string | null;
  due_time: string | null;
  /** Whole points; null or 0 when the attachment takes no grades. */
  max_points: number | null;
  /** JSON array of CopyHistory entries. */
  copy_history: string;
  creation_time: number;
  update_time: number;
}

/** An add-on's grade of one student's submission. */
export interface AddOnSubmissionRow {
  attachment_id: string;
  /** The Classroom student submission's id (what StudentContext.submissionId names). */
  submission_id: string;
  /** Hundredths of a point; null when ungraded. */
  points_earned: number | null;
  update_time: number;
}

declare module './schema.js' {
  interface Database {
    add_ons: AddOnRow;
    add_on_tokens: AddOnTokenRow;
    add_on_attachments: AddOnAttachmentRow;
    add_on_submissions: AddOnSubmissionRow;
  }
}

type Db = Kysely<Database>;

/** Add-on registrations, launch tokens, attachments and their grades. Loads and saves only. */
export class AddOnRepo {
  constructor(
    private readonly db: Db,
    private readonly caps: Capabilities,
  ) {}

  addOn(projectId: string): Promise<AddOnRow | undefined> {
    return this.db.selectFrom('add_ons').selectAll().where('project_id', '=', projectId).executeTakeFirst();
  }

  addOns(): Promise<AddOnRow[]> {
    return this.db.selectFrom('add_ons').selectAll().orderBy('created_at').orderBy('project_id').execute();
  }

  async putAddOn(row: AddOnRow): Promise<void> {
    const { project_id: _key, ...rest } = row;
    await this.db
      .insertInto('add_ons')
      .values(row)
      .onConflict((oc) => oc.column('project_id').doUpdateSet(rest))
      .execute();
  }

  async deleteAddOn(projectId: string): Promise<number> {
    const result = await this.db.deleteFrom('add_ons').where('project_id', '=', projectId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  token(token: string): Promise<AddOnTokenRow | undefined> {
    return this.db.selectFrom('add_on_tokens').selectAll().where('token', '=', token).executeTakeFirst();
  }

  async insertToken(row: AddOnTokenRow): Promise<void> {
    await this.db.insertInto('add_on_tokens').values(row).execute();
  }

  /**
   * A stream item of a course whatever its kind: `courses/{courseId}/posts/{postId}` names items by id
   * alone. With `lock`, the row stays locked until the transaction ends.
   */
  async anyItem(courseId: string, id: string, lock = false): Promise<ClassworkItemRow | undefined> {
    let query = this.db.selectFrom('classwork_items').selectAll().where('course_id', '=', courseId).where('id', '=', id);
    if (lock && this.caps.rowLocks) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  attachment(itemId: string, id: string): Promise<AddOnAttachmentRow | undefined> {
    return this.db.selectFrom('add_on_attachments').selectAll().where('item_id', '=', itemId).where('id', '=', id).executeTakeFirst();
  }

  /** An item's attachments, oldest first; one project's only when `projectId` is given. */
  attachments(itemId: string, projectId?: string): Promise<AddOnAttachmentRow[]> {
    let query = this.db.selectFrom('add_on_attachments').selectAll().where('item_id', '=', itemId);
    if (projectId !== undefined) query = query.where('project_id', '=', projectId);
    return query.orderBy('creation_time').orderBy('id').execute();
  }

  async insertAttachment(row: AddOnAttachmentRow): Promise<void> {
    await this.db.insertInto('add_on_attachments').values(row).execute();
  }

  async updateAttachment(id: string, patch: Updateable<AddOnAttachmentRow>): Promise<void> {
    await this.db.updateTable('add_on_attachments').set(patch).where('id', '=', id).execute();
  }

  async deleteAttachment(id: string): Promise<void> {
    await this.db.deleteFrom('add_on_submissions').where('attachment_id', '=', id).execute();
    await this.db.deleteFrom('add_on_attachments').where('id', '=', id).execute();
  }

  submission(attachmentId: string, submissionId: string): Promise<AddOnSubmissionRow | undefined> {
    return this.db
      .selectFrom('add_on_submissions')
      .selectAll()
      .where('attachment_id', '=', attachmentId)
      .where('submission_id', '=', submissionId)
      .executeTakeFirst();
  }

  async putSubmission(row: AddOnSubmissionRow): Promise<void> {
    await this.db
      .insertInto('add_on_submissions')
      .values(row)
      .onConflict((oc) => oc.columns(['attachment_id', 'submission_id']).doUpdateSet({ points_earned: row.points_earned, update_time: row.update_time }))
      .execute();
  }
}
