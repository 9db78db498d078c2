import type { Kysely, Updateable } from 'kysely';
import type { Capabilities } from './db.js';
import type { Window } from './repos.js';
import type { Database } from './schema.js';

/** A student group of a course (revision 20260111). */
export interface StudentGroupRow {
  id: string;
  course_id: string;
  title: string;
  created_at: number;
}

/** A student in a student group; points at the student's course membership. */
export interface StudentGroupMemberRow {
  group_id: string;
  course_id: string;
  user_id: string;
  created_at: number;
}

declare module './schema.js' {
  interface Database {
    student_groups: StudentGroupRow;
    student_group_members: StudentGroupMemberRow;
  }
}

type Db = Kysely<Database>;

/** Student groups and their members: loads, counts, locks and saves; decides nothing. */
export class GroupsRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  get(courseId: string, id: string): Promise<StudentGroupRow | undefined> {
    return this.db.selectFrom('student_groups').selectAll().where('course_id', '=', courseId).where('id', '=', id).executeTakeFirst();
  }

  /**
   * Locks the group's row until the transaction ends: member additions take it first, so two requests
   * cannot both see the group's last free place.
   */
  async lock(courseId: string, id: string): Promise<StudentGroupRow | undefined> {
    let query = this.db.selectFrom('student_groups').selectAll().where('course_id', '=', courseId).where('id', '=', id);
    if (this.caps.rowLocks) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  /** The course's groups in the order they were created. */
  list(courseId: string, window: Window): Promise<StudentGroupRow[]> {
    return this.db
      .selectFrom('student_groups')
      .selectAll()
      .where('course_id', '=', courseId)
      .orderBy('created_at')
      .orderBy('id')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  async count(courseId: string): Promise<number> {
    const row = await this.db.selectFrom('student_groups').select((eb) => eb.fn.countAll<number | string>().as('n')).where('course_id', '=', courseId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insert(row: StudentGroupRow): Promise<void> {
    await this.db.insertInto('student_groups').values(row).execute();
  }

  async update(id: string, patch: Updateable<StudentGroupRow>): Promise<void> {
    await this.db.updateTable('student_groups').set(patch).where('id', '=', id).execute();
  }

  /** Deletes the group; its member rows go with it (foreign key cascade). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('student_groups').where('id', '=', id).execute();
  }

  member(groupId: string, userId: string): Promise<StudentGroupMemberRow | undefined> {
    return this.db.selectFrom('student_group_members').selectAll().where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
  }

  /** The group's members in the order they were added. */
  members(groupId: string, window: Window): Promise<StudentGroupMemberRow[]> {
    return this.db
      .selectFrom('student_group_members')
      .selectAll()
      .where('group_id', '=', groupId)
      .orderBy('created_at')
      .orderBy('user_id')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  async countMembers(groupId: string): Promise<number> {
    const row = await this.db
      .selectFrom('student_group_members')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('group_id', '=', groupId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insertMember(row: StudentGroupMemberRow): Promise<void> {
    await this.db.insertInto('student_group_members').values(row).execute();
  }

  async deleteMember(groupId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('student_group_members').where('group_id', '=', groupId).where('user_id', '=', userId).execute();
  }
}
