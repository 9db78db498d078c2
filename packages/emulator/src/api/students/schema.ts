import type { CourseRow, UserRow } from '../../store/schema.js';
import { toUserProfile, type UserProfile } from '../user-profiles/schema.js';
import { memoDigest } from '../derived-ids.js';

/** The Student resource, as the API shows it. */
export interface Student {
  courseId: string;
  userId: string;
  profile: UserProfile;
  studentWorkFolder?: { id: string; title: string; alternateLink: string };
}

/** The Teacher resource, as the API shows it. */
export interface Teacher {
  courseId: string;
  userId: string;
  profile: UserProfile;
}

/** How much of a roster entry the caller may see. */
export interface RosterView {
  /** The caller holds the `classroom.profile.emails` scope. */
  showEmail: boolean;
  showPhoto: boolean;
  /** The caller is the student themself or a domain administrator of the course: the work folder shows. */
  privileged: boolean;
}

/**
 * A student's work folder id, derived from the course and the user so that it stays the same on every
 * read and in every process without being stored.
 */
function workFolderId(courseId: string, userId: string): string {
  return `0B${memoDigest('sha256', `${courseId}/${userId}`, 'base64url').slice(0, 26)}`;
}

/** Maps a student's membership to the resource. */
export function toStudent(course: CourseRow, user: UserRow, view: RosterView): Student {
  const student: Student = { courseId: course.id, userId: user.id, profile: toUserProfile(user, { showEmail: view.showEmail, showPhoto: view.showPhoto }) };
  if (view.privileged) {
    const id = workFolderId(course.id, user.id);
    // Differs from production: no Drive folder is created; the id is derived, and the folder is shown
    // from the moment the student joins rather than once Classroom has made it.
    student.studentWorkFolder = { id, title: course.name, alternateLink: `https://drive.google.com/drive/folders/${id}` };
  }
  return student;
}

/** Maps a teacher's membership to the resource. */
export function toTeacher(course: CourseRow, user: UserRow, view: Pick<RosterView, 'showEmail' | 'showPhoto'>): Teacher {
  return { courseId: course.id, userId: user.id, profile: toUserProfile(user, { showEmail: view.showEmail, showPhoto: view.showPhoto }) };
}
