import type { CourseRow, UserRow } from '../../src/store/schema.js';

/** An active, ordinary user row for rule tests; `extra` overrides any column. */
export function userRow(id: string, extra: Partial<UserRow> = {}): UserRow {
  return {
    id,
    email: `${id}@school.example`,
    domain: 'school.example',
    given_name: id,
    family_name: '',
    is_admin: 0,
    can_create_courses: 1,
    classroom_enabled: 1,
    api_enabled: 1,
    state: 'ACTIVE',
    group_memberships: 0,
    verified_teacher: 0,
    created_at: 0,
    ...extra,
  };
}

/** An ACTIVE course row owned by `owner`, with no transfer running; `extra` overrides any column. */
export function courseRow(extra: Partial<CourseRow> = {}): CourseRow {
  return {
    id: '1',
    name: 'Maths',
    section: null,
    description_heading: null,
    description: null,
    room: null,
    subject: null,
    owner_id: 'owner',
    course_state: 'ACTIVE',
    enrollment_code: 'abc',
    creation_time: 0,
    update_time: 0,
    teacher_folder_id: 'f',
    teacher_folder_owner_id: null,
    guardians_enabled: 0,
    calendar_id: 'c',
    project_id: null,
    grading_period_settings: null,
    gradebook_settings: null,
    transfer_from_id: null,
    transfer_done_at: null,
    ...extra,
  };
}
