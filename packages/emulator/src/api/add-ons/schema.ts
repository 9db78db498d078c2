import type { AddOnAttachmentRow, AddOnSubmissionRow } from '../../store/add-on-repos.js';
import type { StudentSubmissionRow } from '../../store/classwork-repos.js';
import { compact } from '../course-work/items.js';

/**
 * Maps an attachment row to the AddOnAttachment resource. `postId` is deprecated in favour of
 * `itemId`, but still carries the same id, so clients written against either field keep working.
 */
export function toAddOnAttachment(row: AddOnAttachmentRow) {
  const copies = JSON.parse(row.copy_history) as unknown[];
  return compact({
    courseId: row.course_id,
    itemId: row.item_id,
    postId: row.item_id,
    id: row.id,
    title: row.title,
    teacherViewUri: { uri: row.teacher_view_uri },
    studentViewUri: { uri: row.student_view_uri },
    studentWorkReviewUri: row.student_work_review_uri === null ? undefined : { uri: row.student_work_review_uri },
    dueDate: row.due_date === null ? undefined : (JSON.parse(row.due_date) as Record<string, number>),
    dueTime: row.due_time === null ? undefined : (JSON.parse(row.due_time) as Record<string, number>),
    maxPoints: row.max_points === null ? undefined : row.max_points,
    copyHistory: copies.length > 0 ? copies : undefined,
  });
}

/** The AddOnAttachment resource type. */
export type AddOnAttachment = ReturnType<typeof toAddOnAttachment>;

/** Maps an add-on grade and the Classroom submission it belongs to onto AddOnAttachmentStudentSubmission. */
export function toAddOnSubmission(grade: AddOnSubmissionRow | undefined, submission: StudentSubmissionRow) {
  return compact({
    pointsEarned: grade?.points_earned === null || grade?.points_earned === undefined ? undefined : grade.points_earned / 100,
    postSubmissionState: submission.state,
  });
}
