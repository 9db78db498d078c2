import type { CourseRow } from '../../store/schema.js';
import { memoDigest } from '../derived-ids.js';

/** The Course resource, as the API shows it. */
export interface Course {
  id: string;
  name: string;
  section?: string;
  descriptionHeading?: string;
  description?: string;
  room?: string;
  /** Revision 20260111. */
  subject?: string;
  ownerId: string;
  creationTime: string;
  updateTime: string;
  enrollmentCode?: string;
  courseState: string;
  alternateLink: string;
  teacherGroupEmail: string;
  courseGroupEmail: string;
  teacherFolder?: { id: string; title: string; alternateLink: string };
  guardiansEnabled: boolean;
  calendarId: string;
  gradebookSettings: Record<string, unknown>;
}

/** The fields of a Course a caller may write (courses.update replaces all of them). */
export const WRITABLE_FIELDS = ['name', 'section', 'descriptionHeading', 'description', 'room', 'subject', 'courseState'] as const;
/** Fields courses.patch accepts in its update mask. */
export const PATCHABLE_FIELDS = [...WRITABLE_FIELDS, 'ownerId'] as const;

const COLUMN: Record<string, keyof CourseRow> = {
  name: 'name',
  section: 'section',
  descriptionHeading: 'description_heading',
  description: 'description',
  room: 'room',
  subject: 'subject',
  courseState: 'course_state',
  ownerId: 'owner_id',
};

/** The row column behind an API field. */
export function columnOf(field: string): keyof CourseRow | undefined {
  return COLUMN[field];
}

/** RFC 3339 with milliseconds, as Google prints timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Group addresses follow production's pattern: a slug of the name and a short hash, in the owner's domain. */
function groupEmail(row: CourseRow, domain: string, suffix: string): string {
  const slug = row.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 20) || 'class';
  const hash = memoDigest('sha1', row.id, 'hex').slice(0, 8);
  return `${slug}_${suffix}${hash}@${domain}`;
}

/**
 * Maps a course row to the resource. The enrollment code and Drive folder are shown to teachers and
 * admins only, as in production.
 */
export function toCourse(row: CourseRow, ownerDomain: string, options: { privileged: boolean }): Course {
  const course: Course = {
    id: row.id,
    name: row.name,
    ...(row.section ? { section: row.section } : {}),
    ...(row.description_heading ? { descriptionHeading: row.description_heading } : {}),
    ...(row.description ? { description: row.description } : {}),
    ...(row.room ? { room: row.room } : {}),
    ...(row.subject ? { subject: row.subject } : {}),
    ownerId: row.owner_id,
    creationTime: timestamp(row.creation_time),
    updateTime: timestamp(row.update_time),
    ...(options.privileged ? { enrollmentCode: row.enrollment_code } : {}),
    courseState: row.course_state,
    alternateLink: `https://classroom.google.com/c/${Buffer.from(row.id).toString('base64url')}`,
    teacherGroupEmail: groupEmail(row, ownerDomain, 'teachers_'),
    courseGroupEmail: groupEmail(row, ownerDomain, ''),
    ...(options.privileged
      ? {
          teacherFolder: {
            id: row.teacher_folder_id,
            title: row.name,
            alternateLink: `https://drive.google.com/drive/folders/${row.teacher_folder_id}`,
          },
        }
      : {}),
    guardiansEnabled: row.guardians_enabled === 1,
    calendarId: row.calendar_id,
    gradebookSettings: row.gradebook_settings
      ? (JSON.parse(row.gradebook_settings) as Record<string, unknown>)
      : { calculationType: 'TOTAL_POINTS', displaySetting: 'HIDE_OVERALL_GRADE' },
  };
  return course;
}
