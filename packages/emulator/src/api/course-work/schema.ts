import type { ClassworkItemRow } from '../../store/classwork-repos.js';
import { b64, compact, derivedDriveId, presentShared, type ItemView } from './items.js';

/** Fields courses.courseWork.patch accepts in its update mask (the reference's list). */
export const COURSE_WORK_PATCHABLE = [
  'title',
  'description',
  'state',
  'dueDate',
  'dueTime',
  'maxPoints',
  'scheduledTime',
  'submissionModificationMode',
  'topicId',
  'gradingPeriodId',
] as const;

/** Where course work opens in Classroom. */
export function courseWorkLink(row: Pick<ClassworkItemRow, 'course_id' | 'id'>): string {
  return `https://classroom.google.com/c/${b64(row.course_id)}/a/${b64(row.id)}/details`;
}

/** proto3 JSON of a stored Date or TimeOfDay: zero fields are left out. */
function parts(json: string | null): Record<string, number> | undefined {
  if (json === null) return undefined;
  const value = JSON.parse(json) as Record<string, number>;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== 0 && v !== undefined));
}

/**
 * Maps a course work row to the CourseWork resource. `associatedWithDeveloper` is set for the
 * caller's own project's work; the students' work folder is shown to teachers and admins only.
 */
export function toCourseWork(row: ClassworkItemRow, view: ItemView) {
  const shared = presentShared(row, courseWorkLink(row));
  return compact({
    courseId: shared.courseId,
    id: shared.id,
    title: row.title,
    description: row.description,
    materials: shared.materials,
    state: shared.state,
    alternateLink: shared.alternateLink,
    creationTime: shared.creationTime,
    updateTime: shared.updateTime,
    dueDate: parts(row.due_date),
    dueTime: parts(row.due_time),
    scheduledTime: shared.scheduledTime,
    maxPoints: row.max_points !== null && row.max_points !== 0 ? row.max_points / 100 : undefined,
    workType: row.work_type,
    associatedWithDeveloper: row.project_id === view.callerProjectId ? true : undefined,
    assigneeMode: shared.assigneeMode,
    individualStudentsOptions: shared.individualStudentsOptions,
    submissionModificationMode: row.submission_modification_mode,
    creatorUserId: shared.creatorUserId,
    topicId: row.topic_id,
    gradingPeriodId: row.grading_period_id,
    assignment:
      row.work_type === 'ASSIGNMENT' && view.privileged
        ? {
            studentWorkFolder: {
              id: derivedDriveId(`folder/${row.id}`),
              title: row.title ?? '',
              alternateLink: `https://drive.google.com/drive/folders/${derivedDriveId(`folder/${row.id}`)}`,
            },
          }
        : undefined,
    multipleChoiceQuestion: row.choices !== null ? { choices: JSON.parse(row.choices) as string[] } : undefined,
  });
}

/** The CourseWork resource type. */
export type CourseWork = ReturnType<typeof toCourseWork>;
