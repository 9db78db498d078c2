import type { Env } from '../../env.js';
import { enforce, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import {
  checkGradingPeriod,
  checkLongText,
  checkTitle,
  dueMoment,
  gradingPeriodFor,
  isViolation,
  type DateInput,
  type GradingPeriod,
  type TimeInput,
} from '../../rules/classwork.js';
import type { ClassworkItemRow } from '../../store/classwork-repos.js';
import type { CourseRow } from '../../store/schema.js';
import type { Page } from '../paging.js';
import { createItem, deleteItem, getItem, listItems, modifyAssignees, patchItem, type Input, type ItemQuery, type ItemSpec } from './items.js';
import { COURSE_WORK_PATCHABLE, toCourseWork, type CourseWork } from './schema.js';

const WORK_TYPES = new Set(['ASSIGNMENT', 'SHORT_ANSWER_QUESTION', 'MULTIPLE_CHOICE_QUESTION']);

function points(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  // The schema asks for a non-negative integer: 1.5 points is refused, not rounded.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) invalidArgument('maxPoints must be a whole number of points, zero or more.', field);
  return Math.round(value * 100);
}

function due(date: unknown, time: unknown): Pick<ClassworkItemRow, 'due_date' | 'due_time' | 'due_at'> {
  const at = dueMoment(date as DateInput | undefined, time as TimeInput | undefined);
  if (isViolation(at)) enforce(at);
  return {
    due_date: date ? JSON.stringify(date) : null,
    due_time: time ? JSON.stringify(time) : null,
    due_at: (at as number | undefined) ?? null,
  };
}

function periodsOf(course: CourseRow): GradingPeriod[] {
  if (!course.grading_period_settings) return [];
  return ((JSON.parse(course.grading_period_settings) as { gradingPeriods?: GradingPeriod[] }).gradingPeriods ?? []);
}

/**
 * The grading period of course work: the one named (which must exist), none for an empty string, or
 * — when the field is absent — the period its due date (or scheduled date) falls in.
 */
function gradingPeriod(value: unknown, course: CourseRow, dueAt: number | null, scheduledAt: number | null, fill: boolean): string | null {
  const periods = periodsOf(course);
  if (typeof value === 'string' && value !== '') {
    enforce(checkGradingPeriod(value, periods, 'course_work.grading_period_id'));
    return value;
  }
  if (value === '' || !fill) return null;
  return gradingPeriodFor(periods, dueAt, scheduledAt) ?? null;
}

function choices(input: Input, workType: string): string | null {
  const question = input.multipleChoiceQuestion as { choices?: unknown } | undefined;
  if (workType !== 'MULTIPLE_CHOICE_QUESTION') {
    if (question) invalidArgument('multipleChoiceQuestion is only for MULTIPLE_CHOICE_QUESTION work.', 'course_work.multiple_choice_question');
    return null;
  }
  const list = question?.choices;
  if (!Array.isArray(list) || list.length === 0 || list.some((c) => typeof c !== 'string' || c === '')) {
    invalidArgument('A multiple-choice question needs at least one non-empty choice.', 'course_work.multiple_choice_question.choices');
  }
  return JSON.stringify(list);
}

/** Course work: assignments and questions, with due dates, points and student submissions. */
export const COURSE_WORK: ItemSpec<CourseWork> = {
  kind: 'COURSE_WORK',
  noun: 'course work',
  plural: 'course work',
  prefix: 'course_work',
  patchable: COURSE_WORK_PATCHABLE,
  orderable: ['updateTime', 'dueDate'],
  present: toCourseWork,
  build(input, { course, scheduledAt }) {
    enforce(checkTitle(input.title, 'course_work.title'));
    enforce(checkLongText(input.description, 'course_work.description'));
    const workType = input.workType;
    if (typeof workType !== 'string' || !WORK_TYPES.has(workType)) {
      invalidArgument('workType must be ASSIGNMENT, SHORT_ANSWER_QUESTION or MULTIPLE_CHOICE_QUESTION.', 'course_work.work_type');
    }
    const mode = input.submissionModificationMode;
    const dueFields = due(input.dueDate, input.dueTime);
    return {
      title: input.title as string,
      description: typeof input.description === 'string' && input.description !== '' ? input.description : null,
      work_type: workType,
      max_points: points(input.maxPoints, 'course_work.max_points'),
      ...dueFields,
      submission_modification_mode: typeof mode === 'string' && mode !== 'SUBMISSION_MODIFICATION_MODE_UNSPECIFIED' ? mode : 'MODIFIABLE_UNTIL_TURNED_IN',
      choices: choices(input, workType),
      grading_period_id: gradingPeriod(input.gradingPeriodId, course, dueFields.due_at, scheduledAt, true),
    };
  },
  patchField(field, input, current, patch, mask, course) {
    const value = input[field];
    switch (field) {
      case 'title':
        enforce(checkTitle(value, 'course_work.title'));
        patch.title = value as string;
        return true;
      case 'description':
        enforce(checkLongText(value, 'course_work.description'));
        patch.description = typeof value === 'string' && value !== '' ? value : null;
        return true;
      case 'dueDate':
      case 'dueTime': {
        // The date and time travel together: one named in the mask takes the request's value (absent
        // clears it), the other keeps the stored one.
        const date = mask.includes('dueDate') ? input.dueDate : current.due_date ? JSON.parse(current.due_date) : undefined;
        const time = mask.includes('dueTime') ? input.dueTime : current.due_time ? JSON.parse(current.due_time) : undefined;
        Object.assign(patch, due(date ?? undefined, time ?? undefined));
        return true;
      }
      case 'maxPoints':
        patch.max_points = points(value, 'course_work.max_points');
        return true;
      case 'submissionModificationMode':
        if (value !== 'MODIFIABLE' && value !== 'MODIFIABLE_UNTIL_TURNED_IN') {
          invalidArgument('submissionModificationMode must be MODIFIABLE or MODIFIABLE_UNTIL_TURNED_IN.', 'course_work.submission_modification_mode');
        }
        patch.submission_modification_mode = value;
        return true;
      case 'gradingPeriodId':
        patch.grading_period_id = gradingPeriod(value, course, null, null, false);
        return true;
      default:
        return false;
    }
  },
};

/** courses.courseWork.create */
export const createCourseWork = (env: Env, caller: Caller, ref: string, input: Input) => createItem(env, caller, ref, COURSE_WORK, input);
/** courses.courseWork.get */
export const getCourseWork = (env: Env, caller: Caller, ref: string, id: string) => getItem(env, caller, ref, COURSE_WORK, id);
/** courses.courseWork.patch */
export const patchCourseWork = (env: Env, caller: Caller, ref: string, id: string, mask: unknown, input: Input) =>
  patchItem(env, caller, ref, COURSE_WORK, id, mask, input);
/** courses.courseWork.delete */
export const deleteCourseWork = (env: Env, caller: Caller, ref: string, id: string) => deleteItem(env, caller, ref, COURSE_WORK, id);
/** courses.courseWork.modifyAssignees */
export const modifyCourseWorkAssignees = (env: Env, caller: Caller, ref: string, id: string, input: Input) =>
  modifyAssignees(env, caller, ref, COURSE_WORK, id, input);

/** courses.courseWork.list */
export async function listCourseWork(env: Env, caller: Caller, ref: string, query: ItemQuery, page: Page) {
  const { items, nextPageToken } = await listItems(env, caller, ref, COURSE_WORK, query, page);
  return { ...(items.length > 0 ? { courseWork: items } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}
