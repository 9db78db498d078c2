import type { Limits } from '../platform/limits.js';
import type { ClassworkItemRow } from '../store/classwork-repos.js';
import type { CourseRow } from '../store/schema.js';
import type { CourseRelation } from './courses.js';
import { violation, type Verdict, type Violation } from './violation.js';

/** An INVALID_ARGUMENT naming the field. */
export function badField(field: string, message: string): Violation {
  return violation('INVALID_ARGUMENT', message, { fieldViolations: [{ field, description: message }] });
}

/** Teachers (the owner included) write classwork; domain admins only read it. */
export function canTeach(rel: CourseRelation): boolean {
  return rel.owner || rel.teacher;
}

/** Who sees every item and every submission: teachers and domain admins. */
export function seesAll(rel: CourseRelation): boolean {
  return rel.owner || rel.teacher || rel.admin;
}

/** Only teachers may write classwork. */
export function checkTeacher(rel: CourseRelation, action: string): Verdict {
  if (canTeach(rel)) return undefined;
  return violation('PERMISSION_DENIED', `Only teachers of the course can ${action}.`);
}

/**
 * Course work (and its submissions), announcements and materials may only be changed through the
 * Cloud project that created them.
 */
export function checkProject(itemProjectId: string, callerProjectId: string, what: string): Verdict {
  if (itemProjectId === callerProjectId) return undefined;
  return violation('ProjectPermissionDenied', `The ${what} was created by another Cloud project; only that project can change it.`);
}

/** Classwork of a course that no longer runs cannot change. */
export function checkCourseOpen(course: Pick<CourseRow, 'course_state'>): Verdict {
  if (['ARCHIVED', 'DECLINED', 'SUSPENDED'].includes(course.course_state)) {
    return violation('FAILED_PRECONDITION', `The course is ${course.course_state}; its classwork cannot change.`);
  }
  return undefined;
}

/** Topic names: trimmed, inner whitespace collapsed, case kept. */
export function normalizeTopicName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

/** A topic name must not be empty once normalised. */
export function checkTopicName(name: string | undefined): Verdict {
  if (name === undefined || normalizeTopicName(name) === '') return badField('topic.name', 'A topic needs a name.');
  // Counted after normalising, as the schema describes, in characters (code points).
  if ([...normalizeTopicName(name)].length > 100) return badField('topic.name', 'A topic name may have at most 100 characters.');
  return undefined;
}

/** A course holds at most `courseTopics` topics. */
export function checkTopicLimit(count: number, limits: Pick<Limits, 'courseTopics'>): Verdict {
  if (count >= limits.courseTopics) {
    return violation('CourseTopicLimitReached', `The course already has ${limits.courseTopics} topics, the most it may have.`);
  }
  return undefined;
}

/** Titles: 1 to 3,000 characters. */
export function checkTitle(title: unknown, field: string): Verdict {
  if (typeof title !== 'string' || title.trim() === '') return badField(field, 'A title is required.');
  if (title.length > 3000) return badField(field, 'The title is longer than 3000 characters.');
  return undefined;
}

/** Descriptions and announcement texts: at most 30,000 characters. */
export function checkLongText(text: unknown, field: string): Verdict {
  if (typeof text === 'string' && text.length > 30_000) return badField(field, 'The text is longer than 30000 characters.');
  return undefined;
}

/** A calendar date as the API carries it. */
export interface DateInput {
  year?: number;
  month?: number;
  day?: number;
}

/** A time of day as the API carries it. */
export interface TimeInput {
  hours?: number;
  minutes?: number;
  seconds?: number;
  nanos?: number;
}

/**
 * The due moment of a date and time (UTC), or a violation: both or neither must be given, and they
 * must name a real moment.
 */
export function dueMoment(date: DateInput | undefined, time: TimeInput | undefined): number | undefined | Violation {
  if (!date && !time) return undefined;
  if (!date) return badField('course_work.due_date', 'A due time needs a due date.');
  if (!time) return badField('course_work.due_time', 'A due date needs a due time.');
  const { year = 0, month = 0, day = 0 } = date;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
    return badField('course_work.due_date', 'The due date is not a valid calendar date.');
  }
  const { hours = 0, minutes = 0, seconds = 0, nanos = 0 } = time;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59 || nanos < 0 || nanos > 999_999_999) {
    return badField('course_work.due_time', 'The due time is not a valid time of day.');
  }
  const at = new Date(Date.UTC(2000, month - 1, day, hours, minutes, seconds, Math.floor(nanos / 1e6)));
  at.setUTCFullYear(year);
  return at.getTime();
}

/** True when a value is a violation rather than a result. */
export function isViolation(value: unknown): value is Violation {
  return typeof value === 'object' && value !== null && 'code' in value;
}

/** States an item may be created in. */
const CREATABLE = new Set(['DRAFT', 'PUBLISHED']);

/** The state of a new item: DRAFT unless PUBLISHED is asked for. */
export function checkCreateState(state: string | undefined, field: string): Verdict {
  if (state === undefined) return undefined;
  if (!CREATABLE.has(state)) return badField(field, `A new item can only be DRAFT or PUBLISHED, not ${state}.`);
  return undefined;
}

/** A patch may publish a draft; nothing goes back to draft, and deletion has its own method. */
export function checkStateChange(current: string, next: unknown, field: string): Verdict {
  if (next === current) return undefined;
  if (next === 'PUBLISHED' && current === 'DRAFT') return undefined;
  if (next === 'DRAFT' && current === 'PUBLISHED') {
    return violation('FAILED_PRECONDITION', 'A published item cannot go back to being a draft.');
  }
  return badField(field, `The state cannot change from ${current} to ${String(next)}.`);
}

/** A scheduled time belongs to a draft and lies in the future. */
export function checkScheduledTime(state: string, scheduledAt: number | null, now: number, field: string): Verdict {
  if (scheduledAt === null) return undefined;
  if (state !== 'DRAFT') return badField(field, 'Only a draft can be scheduled for publication.');
  if (scheduledAt <= now) return badField(field, 'The scheduled time must lie in the future.');
  return undefined;
}

/** Deleted items answer FAILED_PRECONDITION to changes. */
export function checkNotDeleted(item: Pick<ClassworkItemRow, 'state'>): Verdict {
  if (item.state === 'DELETED') return violation('FAILED_PRECONDITION', 'The item has already been deleted.');
  return undefined;
}

/** The students an item is assigned to (ALL_STUDENTS: undefined, meaning every student). */
export function assignees(item: Pick<ClassworkItemRow, 'assignee_mode' | 'student_ids'>): Set<string> | undefined {
  if (item.assignee_mode !== 'INDIVIDUAL_STUDENTS') return undefined;
  return new Set(JSON.parse(item.student_ids) as string[]);
}

/** Whether a student is among an item's assignees. */
export function isAssigned(item: Pick<ClassworkItemRow, 'assignee_mode' | 'student_ids'>, studentId: string): boolean {
  return assignees(item)?.has(studentId) ?? true;
}

/** Students see published items assigned to them; teachers and admins see every item not deleted. */
export function canSeeItem(item: ClassworkItemRow, rel: CourseRelation, userId: string): boolean {
  if (item.state === 'DELETED') return false;
  if (seesAll(rel)) return true;
  return rel.student && item.state === 'PUBLISHED' && isAssigned(item, userId);
}

/** A request of modifyAssignees, as the API carries it. */
export interface AssigneeChange {
  assigneeMode?: string;
  modifyIndividualStudentsOptions?: { addStudentIds?: string[]; removeStudentIds?: string[] };
}

/**
 * Applies modifyAssignees: ALL_STUDENTS clears the list; INDIVIDUAL_STUDENTS adds and removes
 * students of the course. The result must not be empty.
 */
export function applyAssigneeChange(
  current: Pick<ClassworkItemRow, 'assignee_mode' | 'student_ids'>,
  change: AssigneeChange,
  courseStudents: ReadonlySet<string>,
): { mode: string; studentIds: string[] } | Violation {
  const mode = change.assigneeMode;
  if (mode !== 'ALL_STUDENTS' && mode !== 'INDIVIDUAL_STUDENTS') return badField('assignee_mode', 'assigneeMode must be ALL_STUDENTS or INDIVIDUAL_STUDENTS.');
  const options = change.modifyIndividualStudentsOptions;
  if (mode === 'ALL_STUDENTS') {
    if (options) return badField('modify_individual_students_options', 'Individual students can only be changed with INDIVIDUAL_STUDENTS.');
    return { mode, studentIds: [] };
  }
  const ids = new Set(current.assignee_mode === 'INDIVIDUAL_STUDENTS' ? (JSON.parse(current.student_ids) as string[]) : []);
  for (const [i, id] of (options?.addStudentIds ?? []).entries()) {
    if (!courseStudents.has(id)) return badField(`modify_individual_students_options.add_student_ids[${i}]`, `${id} is not a student of the course.`);
    ids.add(id);
  }
  for (const id of options?.removeStudentIds ?? []) ids.delete(id);
  if (ids.size === 0) return violation('EmptyAssignees', 'The item would be assigned to no student.');
  return { mode, studentIds: [...ids] };
}

/** Checks the assignees given at creation: every id a student of the course, at least one. */
export function checkInitialAssignees(mode: string | undefined, studentIds: readonly string[] | undefined, courseStudents: ReadonlySet<string>, prefix: string): Verdict {
  if (mode !== 'INDIVIDUAL_STUDENTS') {
    if (studentIds !== undefined) return badField(`${prefix}.individual_students_options`, 'Individual students are only given with INDIVIDUAL_STUDENTS.');
    return undefined;
  }
  if (!studentIds || studentIds.length === 0) {
    return badField(`${prefix}.individual_students_options.student_ids`, 'INDIVIDUAL_STUDENTS needs at least one student.');
  }
  for (const [i, id] of studentIds.entries()) {
    if (!courseStudents.has(id)) return badField(`${prefix}.individual_students_options.student_ids[${i}]`, `${id} is not a student of the course.`);
  }
  return undefined;
}

/** Reads `orderBy` of a list: `updateTime` (and `dueDate` where allowed), each `asc` or `desc`. */
export function parseOrderBy(raw: string | undefined, allowed: readonly string[]): { field: string; desc: boolean }[] | Violation {
  if (raw === undefined || raw.trim() === '') return [{ field: 'updateTime', desc: true }];
  const out: { field: string; desc: boolean }[] = [];
  for (const part of raw.split(',')) {
    const [field, direction, extra] = part.trim().split(/\s+/);
    if (!field || !allowed.includes(field) || extra !== undefined || (direction !== undefined && direction !== 'asc' && direction !== 'desc')) {
      return badField('order_by', `orderBy accepts ${allowed.join(' and ')}, each optionally followed by asc or desc.`);
    }
    out.push({ field, desc: direction === 'desc' });
  }
  return out;
}

/** A grading period of a course, as courses.updateGradingPeriodSettings stores it. */
export interface GradingPeriod {
  id?: string;
  startDate?: DateInput;
  endDate?: DateInput;
}

const dayKey = (d: DateInput | undefined) => (d ? (d.year ?? 0) * 10_000 + (d.month ?? 0) * 100 + (d.day ?? 0) : 0);

/**
 * The grading period course work falls in when the teacher names none: the one containing its due
 * date, or else its scheduled publication date. Undefined when neither falls in a period.
 */
export function gradingPeriodFor(periods: readonly GradingPeriod[], dueAt: number | null, scheduledAt: number | null): string | undefined {
  const at = dueAt ?? scheduledAt;
  if (at === null) return undefined;
  const d = new Date(at);
  const key = d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  return periods.find((p) => p.id && dayKey(p.startDate) <= key && key <= dayKey(p.endDate))?.id;
}

/** A grading period named by the teacher must be one of the course's. */
export function checkGradingPeriod(id: string, periods: readonly GradingPeriod[], field: string): Verdict {
  if (periods.some((p) => p.id === id)) return undefined;
  return badField(field, `The course has no grading period ${id}.`);
}

/** A rubric criterion as a request gives it. */
export interface CriterionInput {
  id?: string;
  title?: string;
  description?: string;
  levels?: { id?: string; title?: string; description?: string; points?: number }[];
}

/**
 * The shape rules of rubric criteria: each criterion has a title and at least one level; a level
 * without points needs a title; if any level has points, every level of the rubric has them, and
 * points are distinct within a criterion.
 * Each failure is RubricCriteriaInvalidFormat naming the field.
 */
export function checkRubricCriteria(criteria: readonly CriterionInput[]): Verdict {
  const badField = (field: string, message: string): Violation =>
    violation('RubricCriteriaInvalidFormat', message, { fieldViolations: [{ field, description: message }] });
  if (criteria.length === 0) return badField('rubric.criteria', 'A rubric needs at least one criterion.');
  const levels = criteria.flatMap((c) => c.levels ?? []);
  const scored = levels.some((l) => l.points !== undefined && l.points !== null);
  for (const [i, criterion] of criteria.entries()) {
    const at = `rubric.criteria[${i}]`;
    if (!criterion.title || criterion.title.trim() === '') return badField(`${at}.title`, `Criterion ${i + 1} needs a title.`);
    if (!criterion.levels || criterion.levels.length === 0) return badField(`${at}.levels`, `Criterion ${i + 1} needs at least one level.`);
    const seen = new Set<number>();
    for (const [j, level] of criterion.levels.entries()) {
      const lat = `${at}.levels[${j}]`;
      const hasPoints = level.points !== undefined && level.points !== null;
      if (scored && !hasPoints) return badField(`${lat}.points`, 'Either every level of a rubric has points or none has.');
      if (!hasPoints && (!level.title || level.title.trim() === '')) return badField(`${lat}.title`, 'A level without points needs a title.');
      if (hasPoints) {
        if (level.points! < 0) return badField(`${lat}.points`, 'Points must not be negative.');
        if (seen.has(level.points!)) return badField(`${lat}.points`, `Criterion ${i + 1} has two levels worth ${level.points} points.`);
        seen.add(level.points!);
      }
    }
  }
  return undefined;
}

/**
 * Rubrics need a licence for both the requesting user and the course owner.
 *
 * Differs from production: licences are not modelled; the `verifiedTeacher` flag stands for the
 * Education Plus / Teaching and Learning licence.
 */
export function checkRubricLicence(caller: { verified_teacher: number }, owner: { verified_teacher: number } | undefined): Verdict {
  if (caller.verified_teacher !== 1 || owner?.verified_teacher !== 1) {
    return violation('PERMISSION_DENIED', 'Rubrics need a licence that allows them for both the requesting user and the course owner.');
  }
  return undefined;
}
