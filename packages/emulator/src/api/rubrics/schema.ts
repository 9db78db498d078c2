import type { RubricRow } from '../../store/classwork-repos.js';

/** The Rubric resource, as the API shows it. */
export function toRubric(row: RubricRow) {
  const criteria = JSON.parse(row.criteria) as unknown[];
  return {
    courseId: row.course_id,
    courseWorkId: row.course_work_id,
    id: row.id,
    creationTime: new Date(row.creation_time).toISOString(),
    updateTime: new Date(row.update_time).toISOString(),
    ...(criteria.length > 0 ? { criteria } : {}),
  };
}

/** The Rubric resource type. */
export type Rubric = ReturnType<typeof toRubric>;
