import type { StudentGroupMemberRow, StudentGroupRow } from '../../store/group-repos.js';

/** The StudentGroup resource, as the API shows it. */
export interface StudentGroup {
  courseId: string;
  id: string;
  title: string;
}

/** The StudentGroupMember resource, as the API shows it. */
export interface StudentGroupMember {
  courseId: string;
  studentGroupId: string;
  userId: string;
}

/** Maps a group row to the resource. */
export function toStudentGroup(row: StudentGroupRow): StudentGroup {
  return { courseId: row.course_id, id: row.id, title: row.title };
}

/** Maps a member row to the resource. */
export function toStudentGroupMember(row: StudentGroupMemberRow): StudentGroupMember {
  return { courseId: row.course_id, studentGroupId: row.group_id, userId: row.user_id };
}
