import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, driveFile, enrol, inProject, projectDenied, school, type School } from './helpers/classwork-fixtures.js';
import { failure, officialClient, person, startEmulator, STORES, wireBody } from './helpers/harness.js';

const denied = (message: string) => wireBody('PERMISSION_DENIED', 'PERMISSION_DENIED', 403, 'forbidden', message);
const precondition = (message: string) => wireBody('FAILED_PRECONDITION', 'FAILED_PRECONDITION', 400, 'failedPrecondition', message);

describe.each(STORES)('courses.courseWork.studentSubmissions on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'submissions.example', 2);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  /** Published work and the first student's submission (opened by them). */
  const assigned = async (extra: Record<string, unknown> = {}) => {
    const { data: work } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Task', workType: 'ASSIGNMENT', state: 'PUBLISHED', maxPoints: 10, ...extra } });
    const student = s.students[0]!;
    const sub = (await student.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    return { work, sub, ref: { courseId, courseWorkId: work.id!, id: sub.id! } };
  };

  it('only the owning student turns in and reclaims; only teachers return and grade', async () => {
    const { ref } = await assigned();
    const [ada, bob] = s.students as [School['students'][0], School['students'][0]];
    const api = (who: typeof ada | School['teacher']) => who.api.courses.courseWork.studentSubmissions;

    expect((await failure(api(s.teacher).turnIn(ref))).body).toEqual(denied('Only the student who owns the submission can turn it in.'));
    expect((await failure(api(bob).turnIn(ref))).body).toEqual(denied("The caller may not see another student's submission."));
    expect((await failure(api(ada).reclaim(ref))).body).toEqual(precondition('Only a turned-in submission can be reclaimed.'));
    await api(ada).turnIn(ref);
    expect((await failure(api(ada).turnIn(ref))).body).toEqual(precondition('The submission is TURNED_IN and cannot be turned in.'));
    expect((await failure(api(ada).return(ref))).body).toEqual(denied('Only teachers of the course can return a submission.'));
    expect((await failure(api(ada).patch({ ...ref, updateMask: 'assignedGrade', requestBody: { assignedGrade: 10 } }))).body).toEqual(
      denied('Only teachers of the course can grade a submission.'),
    );
    await api(ada).reclaim(ref);
    expect((await api(ada).get(ref)).data.state).toBe('RECLAIMED_BY_STUDENT');
    const negative = await failure(api(s.teacher).patch({ ...ref, updateMask: 'draftGrade', requestBody: { draftGrade: -1 } }));
    expect(negative.body.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'draft_grade', description: 'A grade must not be negative.' }] },
    ]);
    expect((await api(s.teacher).get(ref)).data.draftGrade).toBeUndefined();
  });

  it('a change of maxPoints enters the grade history of graded submissions', async () => {
    const { work, ref } = await assigned();
    await s.teacher.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'assignedGrade', requestBody: { assignedGrade: 8 } });
    await s.teacher.api.courses.courseWork.patch({ courseId, id: work.id!, updateMask: 'maxPoints', requestBody: { maxPoints: 20 } });
    const history = (await s.teacher.api.courses.courseWork.studentSubmissions.get(ref)).data.submissionHistory!;
    expect(history.at(-1)).toEqual({
      gradeHistory: { pointsEarned: 8, maxPoints: 20, gradeTimestamp: history.at(-1)!.gradeHistory!.gradeTimestamp, actorUserId: s.teacher.id, gradeChangeType: 'MAX_POINTS_CHANGE' },
    });
    const bobs = (await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id!, userId: s.students[1]!.id })).data.studentSubmissions![0]!;
    expect(bobs.submissionHistory).toBeUndefined();
  });

  it("a teacher's token with only the .me scopes reaches no student's work", async () => {
    const { work, ref } = await assigned();
    const { accessToken } = await emulator.admin.mintToken({ user: s.teacher.email, scopes: ['classroom.coursework.me', 'classroom.courses'] });
    const narrow = officialClient(emulator, accessToken);
    const listed = await narrow.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! });
    expect(listed.data).toEqual({});
    const got = await failure(narrow.courses.courseWork.studentSubmissions.get(ref));
    expect(got.body).toEqual(denied("The caller may not see another student's submission."));
  });

  it('concurrent first looks create each submission once', async () => {
    const created: string[] = [];
    const stop = emulator.env.events.on((e) => {
      if (e.kind === 'course-work' && e.submissionId && e.change === 'CREATED') created.push(e.submissionId);
    });
    try {
      const { data: work } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Rush', workType: 'ASSIGNMENT' } });
      await s.teacher.api.courses.courseWork.patch({ courseId, id: work.id!, updateMask: 'state', requestBody: { state: 'PUBLISHED' } });
      const late = await person(emulator, 'rush@submissions.example');
      await enrol(s, courseId, late);
      const lists = await Promise.all(
        Array.from({ length: 6 }, () => s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })),
      );
      const ids = new Set(lists.flatMap((l) => l.data.studentSubmissions!.filter((x) => x.userId === late.id).map((x) => x.id)));
      expect(ids.size).toBe(1);
      expect(created.filter((id) => ids.has(id))).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('a student who leaves keeps their work hidden, and finds it again on return', async () => {
    const { work } = await assigned();
    const bob = s.students[1]!;
    const before = (await bob.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    await s.admin.api.courses.students.delete({ courseId, userId: bob.id });
    const teacherView = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! });
    expect(teacherView.data.studentSubmissions?.map((x) => x.userId)).not.toContain(bob.id);
    await enrol(s, courseId, bob);
    const after = (await bob.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    expect(after.id).toBe(before.id);
  });

  it('students list only their own work; state filters apply', async () => {
    const { work } = await assigned();
    const [ada, bob] = s.students as [School['students'][0], School['students'][0]];
    const other = await failure(ada.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id!, userId: bob.email }));
    expect(other.body).toEqual(denied("The caller may not list another student's submissions."));
    const mine = await ada.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: '-' });
    expect(new Set(mine.data.studentSubmissions!.map((x) => x.userId))).toEqual(new Set([ada.id]));
    const fresh = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id!, states: ['NEW'] });
    const freshIds = fresh.data.studentSubmissions!.map((x) => x.userId);
    expect(freshIds).toContain(bob.id);
    expect(freshIds).not.toContain(ada.id);
    const byUser = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id!, userId: bob.email });
    expect(byUser.data.studentSubmissions!.map((x) => x.userId)).toEqual([bob.id]);
  });

  it('a student who joins later gets a submission for work already assigned to all students', async () => {
    const { work } = await assigned();
    const late = await person(emulator, 'latecomer@submissions.example');
    await enrol(s, courseId, late);
    const theirs = await late.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! });
    expect(theirs.data.studentSubmissions!.map((x) => [x.userId, x.state])).toEqual([[late.id, 'CREATED']]);
  });

  it('MODIFIABLE_UNTIL_TURNED_IN: attachments freeze while the work is turned in', async () => {
    const { ref } = await assigned();
    const ada = s.students[0]!;
    const file = await driveFile(emulator, ada, 'Draft');
    await ada.api.courses.courseWork.studentSubmissions.turnIn(ref);
    const frozen = await failure(ada.api.courses.courseWork.studentSubmissions.modifyAttachments({ ...ref, requestBody: { addAttachments: [{ driveFile: { id: file.id } }] } }));
    expect(frozen.body).toEqual(precondition('The submission is turned in; reclaim it before changing it.'));
    await ada.api.courses.courseWork.studentSubmissions.reclaim(ref);
    const { data } = await ada.api.courses.courseWork.studentSubmissions.modifyAttachments({ ...ref, requestBody: { addAttachments: [{ link: { url: 'https://example.org/notes' } }] } });
    expect(data.assignmentSubmission?.attachments).toHaveLength(1);
  });

  it('students answer questions through patch; a choice must be one of the options', async () => {
    const ada = s.students[0]!;
    const { data: mc } = await s.teacher.api.courses.courseWork.create({
      courseId,
      requestBody: { title: 'Pick one', workType: 'MULTIPLE_CHOICE_QUESTION', state: 'PUBLISHED', multipleChoiceQuestion: { choices: ['Red', 'Blue'] } },
    });
    const sub = (await ada.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: mc.id! })).data.studentSubmissions![0]!;
    const ref = { courseId, courseWorkId: mc.id!, id: sub.id! };
    const wrong = await failure(ada.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'multipleChoiceSubmission.answer', requestBody: { multipleChoiceSubmission: { answer: 'Green' } } }));
    expect(wrong.body.error.message).toBe('"Green" is not one of the question\'s choices.');
    const { data } = await ada.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'multiple_choice_submission', requestBody: { multipleChoiceSubmission: { answer: 'Blue' } } });
    expect(data).toMatchObject({ courseWorkType: 'MULTIPLE_CHOICE_QUESTION', multipleChoiceSubmission: { answer: 'Blue' } });
    const teacher = await failure(s.teacher.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'multipleChoiceSubmission', requestBody: { multipleChoiceSubmission: { answer: 'Red' } } }));
    expect(teacher.body).toEqual(denied('Only the student who owns the submission can change its work.'));
  });

  describe('ProjectPermissionDenied: submissions follow their course work\'s Cloud project', () => {
    it('grading, returning, turning in, reclaiming and attaching from another project fail and change nothing', async () => {
      const { ref } = await assigned();
      const ada = s.students[0]!;
      const file = await driveFile(emulator, ada, 'Answer');
      const teacherElsewhere = await inProject(emulator, s.teacher, 'other-project');
      const studentElsewhere = await inProject(emulator, ada, 'other-project');
      await ada.api.courses.courseWork.studentSubmissions.turnIn(ref);
      const turnedIn = (await s.teacher.api.courses.courseWork.studentSubmissions.get(ref)).data;
      expect((await failure(studentElsewhere.api.courses.courseWork.studentSubmissions.reclaim(ref))).body).toEqual(projectDenied('course work'));
      expect((await s.teacher.api.courses.courseWork.studentSubmissions.get(ref)).data).toEqual(turnedIn);
      await ada.api.courses.courseWork.studentSubmissions.reclaim(ref);
      const before = (await s.teacher.api.courses.courseWork.studentSubmissions.get(ref)).data;

      const grade = await failure(teacherElsewhere.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'assignedGrade', requestBody: { assignedGrade: 7 } }));
      expect(grade.status).toBe(403);
      expect(grade.body).toEqual(projectDenied('course work'));
      expect((await failure(teacherElsewhere.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'draftGrade', requestBody: { draftGrade: 7 } }))).body).toEqual(
        projectDenied('course work'),
      );
      expect((await failure(teacherElsewhere.api.courses.courseWork.studentSubmissions.return(ref))).body).toEqual(projectDenied('course work'));
      expect((await failure(studentElsewhere.api.courses.courseWork.studentSubmissions.turnIn(ref))).body).toEqual(projectDenied('course work'));
      expect(
        (await failure(studentElsewhere.api.courses.courseWork.studentSubmissions.modifyAttachments({ ...ref, requestBody: { addAttachments: [{ driveFile: { id: file.id } }] } }))).body,
      ).toEqual(projectDenied('course work'));

      const seenElsewhere = (await teacherElsewhere.api.courses.courseWork.studentSubmissions.get(ref)).data;
      expect(seenElsewhere).toEqual({ ...before, associatedWithDeveloper: undefined });
      expect((await s.teacher.api.courses.courseWork.studentSubmissions.get(ref)).data).toEqual(before);
    });
  });
});
