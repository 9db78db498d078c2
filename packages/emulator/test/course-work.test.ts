import { renderError } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, dueIn, inProject, precondition, projectDenied, school, type School } from './helpers/classwork-fixtures.js';
import { failure, invalid, startEmulator, STORES, wireBody } from './helpers/harness.js';

const START = Date.UTC(2026, 9, 5, 9, 0, 0);

describe.each(STORES)('courses.courseWork on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options(), frozenAt: START });
    s = await school(emulator, 'coursework.example', 2);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  const work = (title: string, extra: Record<string, unknown> = {}) =>
    s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title, workType: 'ASSIGNMENT', ...extra } }).then((r) => r.data);

  it('creates a draft by default; students see only published work', async () => {
    const draft = await work('Draft essay', { description: 'Plan first' });
    expect(draft).toEqual({
      courseId,
      id: draft.id,
      title: 'Draft essay',
      description: 'Plan first',
      state: 'DRAFT',
      creationTime: new Date(START).toISOString(),
      updateTime: new Date(START).toISOString(),
      workType: 'ASSIGNMENT',
      associatedWithDeveloper: true,
      assigneeMode: 'ALL_STUDENTS',
      submissionModificationMode: 'MODIFIABLE_UNTIL_TURNED_IN',
      creatorUserId: s.teacher.id,
      assignment: { studentWorkFolder: draft.assignment!.studentWorkFolder },
    });
    expect(draft.id).toMatch(/^\d{12}$/);
    const student = s.students[0]!;
    const hidden = await failure(student.api.courses.courseWork.get({ courseId, id: draft.id! }));
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(wireBody('NOT_FOUND', 'NOT_FOUND', 404, 'notFound', 'Requested entity was not found.'));
    const published = await work('Published essay', { state: 'PUBLISHED' });
    expect(published.alternateLink).toMatch(/^https:\/\/classroom\.google\.com\/c\/\w+\/a\/\w+\/details$/);
    const seen = await student.api.courses.courseWork.get({ courseId, id: published.id! });
    expect(seen.data.assignment).toBeUndefined();
    expect(seen.data.title).toBe('Published essay');
    const asked = await student.api.courses.courseWork.list({ courseId, courseWorkStates: ['DRAFT', 'PUBLISHED'] });
    expect(asked.data.courseWork?.map((w) => w.id)).toEqual([published.id]);
  });

  it('lists by state, orders by update time or due date, and pages', async () => {
    const c = await course(s, s.students, 'Ordering');
    const make = (title: string, days: number) =>
      s.teacher.api.courses.courseWork.create({ courseId: c, requestBody: { title, workType: 'ASSIGNMENT', state: 'PUBLISHED', ...dueIn(new Date(START), days) } });
    const a = (await make('A', 3)).data;
    await emulator.admin.advanceClock(10);
    const b = (await make('B', 1)).data;
    await emulator.admin.advanceClock(10);
    const cc = (await make('C', 2)).data;
    const ids = async (orderBy?: string) => ((await s.teacher.api.courses.courseWork.list({ courseId: c, ...(orderBy ? { orderBy } : {}) })).data.courseWork ?? []).map((w) => w.title);
    expect(await ids()).toEqual(['C', 'B', 'A']);
    expect(await ids('updateTime asc')).toEqual(['A', 'B', 'C']);
    expect(await ids('dueDate asc')).toEqual(['B', 'C', 'A']);
    expect(await ids('dueDate desc,updateTime')).toEqual(['A', 'C', 'B']);
    const bad = await failure(s.teacher.api.courses.courseWork.list({ courseId: c, orderBy: 'title' }));
    expect(bad.body).toEqual(invalid('orderBy accepts updateTime and dueDate, each optionally followed by asc or desc.', 'order_by'));
    const first = await s.teacher.api.courses.courseWork.list({ courseId: c, pageSize: 2 });
    expect(first.data.courseWork?.map((w) => w.id)).toEqual([cc.id, b.id]);
    const second = await s.teacher.api.courses.courseWork.list({ courseId: c, pageSize: 2, pageToken: first.data.nextPageToken! });
    expect(second.data.courseWork?.map((w) => w.id)).toEqual([a.id]);
    expect(second.data.nextPageToken).toBeUndefined();
    expect((await s.teacher.api.courses.courseWork.list({ courseId: c, courseWorkStates: ['DRAFT'] })).data).toEqual({});
  });

  it('patches the fields the reference allows, with updateMask, and refuses others', async () => {
    const w = await work('Patch me');
    await emulator.admin.advanceClock(60);
    const { data } = await s.teacher.api.courses.courseWork.patch({
      courseId,
      id: w.id!,
      updateMask: 'title,max_points,dueDate,dueTime,state',
      requestBody: { title: 'Patched', maxPoints: 20, ...dueIn(new Date(START), 4), state: 'PUBLISHED' },
    });
    expect(data).toMatchObject({ title: 'Patched', maxPoints: 20, state: 'PUBLISHED', dueDate: { year: 2026, month: 10, day: 9 }, dueTime: { hours: 23, minutes: 59 } });
    expect(Date.parse(data.updateTime!)).toBeGreaterThan(Date.parse(w.updateTime!));
    const workType = await failure(s.teacher.api.courses.courseWork.patch({ courseId, id: w.id!, updateMask: 'workType', requestBody: { workType: 'SHORT_ANSWER_QUESTION' } }));
    expect(workType.body).toEqual(invalid('The update mask names a field that cannot be changed: workType.', 'update_mask'));
    const noTitle = await failure(s.teacher.api.courses.courseWork.patch({ courseId, id: w.id!, updateMask: 'title', requestBody: {} }));
    expect(noTitle.body).toEqual(invalid('A title is required.', 'course_work.title'));
    const back = await failure(s.teacher.api.courses.courseWork.patch({ courseId, id: w.id!, updateMask: 'state', requestBody: { state: 'DRAFT' } }));
    expect(back.body).toEqual(wireBody('FAILED_PRECONDITION', 'FAILED_PRECONDITION', 400, 'failedPrecondition', 'A published item cannot go back to being a draft.'));
    const cleared = await s.teacher.api.courses.courseWork.patch({ courseId, id: w.id!, updateMask: 'dueDate,dueTime', requestBody: {} });
    expect(cleared.data.dueDate).toBeUndefined();
    expect((await s.teacher.api.courses.courseWork.get({ courseId, id: w.id! })).data.title).toBe('Patched');
  });

  it('bad input is INVALID_ARGUMENT naming the field, and nothing is created', async () => {
    const count = async () => ((await s.teacher.api.courses.courseWork.list({ courseId, courseWorkStates: ['DRAFT', 'PUBLISHED'] })).data.courseWork ?? []).length;
    const before = await count();
    expect((await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { workType: 'ASSIGNMENT' } }))).body).toEqual(
      invalid('A title is required.', 'course_work.title'),
    );
    expect((await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'X' } }))).body).toEqual(
      invalid('workType must be ASSIGNMENT, SHORT_ANSWER_QUESTION or MULTIPLE_CHOICE_QUESTION.', 'course_work.work_type'),
    );
    expect(
      (await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'X', workType: 'ASSIGNMENT', dueDate: { year: 2026, month: 12, day: 1 } } }))).body,
    ).toEqual(invalid('A due date needs a due time.', 'course_work.due_time'));
    expect((await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'X', workType: 'ASSIGNMENT', maxPoints: -1 } }))).body).toEqual(
      invalid('maxPoints must be a whole number of points, zero or more.', 'course_work.max_points'),
    );
    expect((await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'X', workType: 'MULTIPLE_CHOICE_QUESTION' } }))).body).toEqual(
      invalid('A multiple-choice question needs at least one non-empty choice.', 'course_work.multiple_choice_question.choices'),
    );
    expect(await count()).toBe(before);
  });

  it('students and admins cannot create course work', async () => {
    const student = await failure(s.students[0]!.api.courses.courseWork.create({ courseId, requestBody: { title: 'Mine', workType: 'ASSIGNMENT' } }));
    expect(student.body).toEqual(wireBody('PERMISSION_DENIED', 'PERMISSION_DENIED', 403, 'forbidden', 'Only teachers of the course can create course work.'));
  });

  it('a scheduled draft publishes itself when the virtual clock reaches its time', async () => {
    const at = new Date(START + 3 * 86_400_000).toISOString();
    const scheduled = await work('Later', { scheduledTime: at });
    expect(scheduled).toMatchObject({ state: 'DRAFT', scheduledTime: at });
    const early = await failure(s.students[0]!.api.courses.courseWork.get({ courseId, id: scheduled.id! }));
    expect(early.status).toBe(404);
    await emulator.admin.advanceClock(4 * 86_400);
    const seen = (await s.students[0]!.api.courses.courseWork.get({ courseId, id: scheduled.id! })).data;
    expect(seen).toMatchObject({ state: 'PUBLISHED', updateTime: at });
    expect(seen.scheduledTime).toBeUndefined();
    const subs = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: scheduled.id! });
    expect(subs.data.studentSubmissions).toHaveLength(2);
  });

  it('modifyAssignees narrows work to individual students and back', async () => {
    const [ada, bob] = s.students as [School['students'][0], School['students'][0]];
    const w = await work('Extension task', { state: 'PUBLISHED' });
    const { data } = await s.teacher.api.courses.courseWork.modifyAssignees({
      courseId,
      id: w.id!,
      requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [ada.id] } },
    });
    expect(data).toMatchObject({ assigneeMode: 'INDIVIDUAL_STUDENTS', individualStudentsOptions: { studentIds: [ada.id] } });
    expect((await failure(bob.api.courses.courseWork.get({ courseId, id: w.id! }))).status).toBe(404);
    expect((await ada.api.courses.courseWork.get({ courseId, id: w.id! })).data.id).toBe(w.id);
    const teacherView = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: w.id! });
    expect(teacherView.data.studentSubmissions?.map((x) => x.userId)).toEqual([ada.id]);
    const empty = await failure(
      s.teacher.api.courses.courseWork.modifyAssignees({
        courseId,
        id: w.id!,
        requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { removeStudentIds: [ada.id] } },
      }),
    );
    expect(empty.body).toEqual(wireBody('EmptyAssignees', 'FAILED_PRECONDITION', 400, 'failedPrecondition', '@EmptyAssignees The item would be assigned to no student.'));
    const all = await s.teacher.api.courses.courseWork.modifyAssignees({ courseId, id: w.id!, requestBody: { assigneeMode: 'ALL_STUDENTS' } });
    expect(all.data.individualStudentsOptions).toBeUndefined();
    expect((await bob.api.courses.courseWork.get({ courseId, id: w.id! })).data.id).toBe(w.id);
  });

  it('deletes: gone for get, listed as DELETED for teachers, a second delete is FAILED_PRECONDITION', async () => {
    const w = await work('Delete me', { state: 'PUBLISHED' });
    expect((await s.teacher.api.courses.courseWork.delete({ courseId, id: w.id! })).data).toEqual({});
    const listed = await s.teacher.api.courses.courseWork.list({ courseId, courseWorkStates: ['DELETED'] });
    expect(listed.data.courseWork?.map((x) => [x.id, x.state])).toContainEqual([w.id, 'DELETED']);
    const again = await failure(s.teacher.api.courses.courseWork.delete({ courseId, id: w.id! }));
    expect(again.body).toEqual(wireBody('FAILED_PRECONDITION', 'FAILED_PRECONDITION', 400, 'failedPrecondition', 'The item has already been deleted.'));
    expect((await failure(s.students[0]!.api.courses.courseWork.get({ courseId, id: w.id! }))).status).toBe(404);
  });

  it('course work falls into the grading period of its due date unless one is named', async () => {
    await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: true });
    const c = await course(s, [], 'Graded');
    const { data: settings } = await s.teacher.api.courses.updateGradingPeriodSettings({
      courseId: c,
      updateMask: 'gradingPeriods',
      requestBody: {
        gradingPeriods: [
          { title: 'Autumn', startDate: { year: 2026, month: 9, day: 1 }, endDate: { year: 2026, month: 12, day: 31 } },
          { title: 'Spring', startDate: { year: 2027, month: 1, day: 1 }, endDate: { year: 2027, month: 6, day: 30 } },
        ],
      },
    });
    const [autumn, spring] = settings.gradingPeriods!.map((p) => p.id!) as [string, string];
    const create = (extra: Record<string, unknown>) =>
      s.teacher.api.courses.courseWork.create({ courseId: c, requestBody: { title: 'Graded work', workType: 'ASSIGNMENT', ...extra } });
    expect((await create(dueIn(new Date(START), 3))).data.gradingPeriodId).toBe(autumn);
    expect((await create({ dueDate: { year: 2027, month: 2, day: 1 }, dueTime: { hours: 9 } })).data.gradingPeriodId).toBe(spring);
    expect((await create({ ...dueIn(new Date(START), 3), gradingPeriodId: spring })).data.gradingPeriodId).toBe(spring);
    expect((await create({ ...dueIn(new Date(START), 3), gradingPeriodId: '' })).data.gradingPeriodId).toBeUndefined();
    const unknown = await failure(create({ gradingPeriodId: '999' }));
    expect(unknown.body).toEqual(invalid('The course has no grading period 999.', 'course_work.grading_period_id'));
  });

  it('a deleted item is NOT_FOUND to read, for teachers too', async () => {
    const w = await work('Short-lived', { state: 'PUBLISHED' });
    await s.teacher.api.courses.courseWork.delete({ courseId, id: w.id! });
    const { body } = await failure(s.teacher.api.courses.courseWork.get({ courseId, id: w.id! }));
    expect(body).toEqual(wireBody('NOT_FOUND', 'NOT_FOUND', 404, 'notFound', 'Requested entity was not found.'));
  });

  it('an archived course takes no new classwork', async () => {
    const c = await course(s, [], 'Archived');
    await s.teacher.api.courses.patch({ id: c, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const { body } = await failure(s.teacher.api.courses.courseWork.create({ courseId: c, requestBody: { title: 'Too late', workType: 'ASSIGNMENT' } }));
    expect(body).toEqual(wireBody('FAILED_PRECONDITION', 'FAILED_PRECONDITION', 400, 'failedPrecondition', 'The course is ARCHIVED; its classwork cannot change.'));
    expect((await s.teacher.api.courses.courseWork.list({ courseId: c, courseWorkStates: ['DRAFT', 'PUBLISHED'] })).data).toEqual({});
  });

  it('deleting a course takes its classwork with it', async () => {
    const c = await course(s, s.students, 'Doomed');
    const { data: topic } = await s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'Gone' } });
    const { data: w } = await s.teacher.api.courses.courseWork.create({ courseId: c, requestBody: { title: 'Gone too', workType: 'ASSIGNMENT', state: 'PUBLISHED', topicId: topic.topicId } });
    await s.students[0]!.api.courses.courseWork.studentSubmissions.list({ courseId: c, courseWorkId: w.id! });
    await s.teacher.api.courses.announcements.create({ courseId: c, requestBody: { text: 'Bye', state: 'PUBLISHED' } });
    await s.teacher.api.courses.patch({ id: c, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    expect((await s.teacher.api.courses.delete({ id: c })).data).toEqual({});
    const tables = (await emulator.admin.exportState()).tables as Record<string, { course_id?: string }[]>;
    for (const table of ['topics', 'classwork_items', 'student_submissions', 'rubrics']) {
      expect(tables[table]!.filter((row) => row.course_id === c), table).toEqual([]);
    }
  });

  describe('rubrics', () => {
    it('a licensed teacher creates, reads, replaces and deletes the one rubric of course work', async () => {
      const c = await course(s, s.students, 'Rubrics');
      const { data: w } = await s.teacher.api.courses.courseWork.create({ courseId: c, requestBody: { title: 'Poster', workType: 'ASSIGNMENT', state: 'PUBLISHED' } });
      const criteria = [
        { title: 'Clarity', levels: [{ title: 'Clear', points: 4 }, { title: 'Muddled', points: 1 }] },
        { title: 'Sources', description: 'Cited?', levels: [{ title: 'Yes', points: 2 }, { title: 'No', points: 0 }] },
      ];
      await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: false });
      const unlicensed = await failure(s.teacher.api.courses.courseWork.rubrics.create({ courseId: c, courseWorkId: w.id!, requestBody: { criteria } }));
      expect(unlicensed.body).toEqual(
        wireBody('PERMISSION_DENIED', 'PERMISSION_DENIED', 403, 'forbidden', 'Rubrics need a licence that allows them for both the requesting user and the course owner.'),
      );
      await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: true });

      const mixed = await failure(
        s.teacher.api.courses.courseWork.rubrics.create({ courseId: c, courseWorkId: w.id!, requestBody: { criteria: [{ title: 'X', levels: [{ title: 'A', points: 1 }, { title: 'B' }] }] } }),
      );
      const mixedMessage = 'Either every level of a rubric has points or none has.';
      expect(mixed.body).toEqual(
        renderError('RubricCriteriaInvalidFormat', {
          message: mixedMessage,
          fieldViolations: [{ field: 'rubric.criteria[0].levels[1].points', description: mixedMessage }],
        }).body,
      );

      const { data: rubric } = await s.teacher.api.courses.courseWork.rubrics.create({ courseId: c, courseWorkId: w.id!, requestBody: { criteria } });
      expect(rubric).toMatchObject({ courseId: c, courseWorkId: w.id, criteria: [{ title: 'Clarity' }, { title: 'Sources', description: 'Cited?' }] });
      expect(rubric.criteria![0]!.id).toMatch(/^\d+$/);
      expect(rubric.criteria![0]!.levels![0]!.id).toMatch(/^\d+$/);
      const second = await failure(s.teacher.api.courses.courseWork.rubrics.create({ courseId: c, courseWorkId: w.id!, requestBody: { criteria } }));
      expect(second.body).toEqual(wireBody('ALREADY_EXISTS', 'ALREADY_EXISTS', 409, 'duplicate', 'The course work already has a rubric.'));
      expect((await s.students[0]!.api.courses.courseWork.rubrics.get({ courseId: c, courseWorkId: w.id!, id: rubric.id! })).data).toEqual(rubric);
      expect((await s.students[0]!.api.courses.courseWork.rubrics.list({ courseId: c, courseWorkId: w.id! })).data).toEqual({ rubrics: [rubric] });

      const kept = rubric.criteria![0]!;
      const { data: replaced } = await s.teacher.api.courses.courseWork.updateRubric({
        courseId: c,
        courseWorkId: w.id!,
        updateMask: 'criteria',
        requestBody: { criteria: [kept, { title: 'Design', levels: [{ title: 'Bold', points: 3 }] }] },
      });
      expect(replaced.criteria!.map((x) => x.title)).toEqual(['Clarity', 'Design']);
      expect(replaced.criteria![0]).toEqual(kept);

      const other = await inProject(emulator, s.teacher, 'other-project');
      const foreign = await failure(other.api.courses.courseWork.rubrics.patch({ courseId: c, courseWorkId: w.id!, id: rubric.id!, updateMask: 'criteria', requestBody: { criteria } }));
      expect(foreign.body).toEqual(projectDenied('course work'));

      expect((await s.teacher.api.courses.courseWork.rubrics.delete({ courseId: c, courseWorkId: w.id!, id: rubric.id! })).data).toEqual({});
      expect((await s.teacher.api.courses.courseWork.rubrics.list({ courseId: c, courseWorkId: w.id! })).data).toEqual({});
    });

    it('AttachmentNotVisible when the source spreadsheet is not a spreadsheet the teacher can open', async () => {
      await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: true });
      const { data: w } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Sheet rubric', workType: 'ASSIGNMENT' } });
      const doc = await emulator.admin.createDriveFile({ title: 'Not a sheet', mimeType: 'application/vnd.google-apps.document', owner: s.teacher.email });
      const { status, body } = await failure(s.teacher.api.courses.courseWork.rubrics.create({ courseId, courseWorkId: w.id!, requestBody: { sourceSpreadsheetId: doc.id } }));
      expect(status).toBe(400);
      expect(body).toEqual(precondition('AttachmentNotVisible', `The Drive file ${doc.id} is not a Google Sheets spreadsheet.`));
      expect((await s.teacher.api.courses.courseWork.rubrics.list({ courseId, courseWorkId: w.id! })).data).toEqual({});
      const sheet = await emulator.admin.createDriveFile({ title: 'Rubric sheet', mimeType: 'application/vnd.google-apps.spreadsheet', owner: s.teacher.email });
      const { data } = await s.teacher.api.courses.courseWork.rubrics.create({ courseId, courseWorkId: w.id!, requestBody: { sourceSpreadsheetId: sheet.id } });
      expect(data.courseWorkId).toBe(w.id);
    });
  });

  describe('ProjectPermissionDenied: only the creating Cloud project may change course work', () => {
    it('patch, delete and modifyAssignees from another project fail and change nothing', async () => {
      const w = await work('Owned by emulator-project', { state: 'PUBLISHED' });
      const other = await inProject(emulator, s.teacher, 'other-project');
      const seen = (await other.api.courses.courseWork.get({ courseId, id: w.id! })).data;
      expect(seen.associatedWithDeveloper).toBeUndefined();

      const patch = await failure(other.api.courses.courseWork.patch({ courseId, id: w.id!, updateMask: 'title', requestBody: { title: 'Hijacked' } }));
      expect(patch.status).toBe(403);
      expect(patch.body).toEqual(projectDenied('course work'));
      const del = await failure(other.api.courses.courseWork.delete({ courseId, id: w.id! }));
      expect(del.body).toEqual(projectDenied('course work'));
      const assignees = await failure(
        other.api.courses.courseWork.modifyAssignees({
          courseId,
          id: w.id!,
          requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [s.students[0]!.id] } },
        }),
      );
      expect(assignees.body).toEqual(projectDenied('course work'));

      const after = (await s.teacher.api.courses.courseWork.get({ courseId, id: w.id! })).data;
      expect(after).toEqual({ ...seen, associatedWithDeveloper: true });
    });
  });
});
