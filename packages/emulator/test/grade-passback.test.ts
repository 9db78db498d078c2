import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassroomEvent } from '../src/platform/events.js';
import { course, driveFile, dueIn, school, type School } from './helpers/classwork-fixtures.js';
import { startEmulator, STORES } from './helpers/harness.js';

const START = Date.UTC(2026, 8, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(STORES)('grade passback on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  const events: Extract<ClassroomEvent, { kind: 'course-work' }>[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ store: options(), frozenAt: START });
    emulator.env.events.on((e) => {
      if (e.kind === 'course-work') events.push(e);
    });
    s = await school(emulator, 'passback.example', 2);
  });
  afterAll(() => emulator.close());

  it('a COURSE_WORK_CHANGES registration hears about the work and each change to a submission', async () => {
    const [ada] = s.students as [School['students'][0]];
    const courseId = await course(s, [ada], 'Notified');
    const topicName = 'projects/passback/topics/classwork';
    const { data: registration } = await s.teacher.api.registrations.create({
      requestBody: { feed: { feedType: 'COURSE_WORK_CHANGES', courseWorkChangesInfo: { courseId } }, cloudPubsubTopic: { topicName } },
    });
    const { data: work } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Heard', workType: 'ASSIGNMENT', state: 'PUBLISHED' } });
    const sub = (await ada.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: work.id! })).data.studentSubmissions![0]!;
    await ada.api.courses.courseWork.studentSubmissions.turnIn({ courseId, courseWorkId: work.id!, id: sub.id! });
    await s.teacher.api.courses.courseWork.delete({ courseId, id: work.id! });
    const { notifications } = await emulator.admin.notifications({ registrationId: registration.registrationId!, wait: true });
    expect(notifications.map((n) => n.message)).toEqual([
      { collection: 'courses.courseWork', eventType: 'CREATED', resourceId: { courseId, id: work.id } },
      { collection: 'courses.courseWork.studentSubmissions', eventType: 'MODIFIED', resourceId: { courseId, courseWorkId: work.id, id: sub.id } },
      { collection: 'courses.courseWork', eventType: 'DELETED', resourceId: { courseId, id: work.id } },
    ]);
  });

  it('assign, attach, turn in, grade, return; a late student is flagged by the virtual clock', async () => {
    const [ada, bob] = s.students as [School['students'][0], School['students'][0]];
    const courseId = await course(s);
    const { data: work } = await s.teacher.api.courses.courseWork.create({
      courseId,
      requestBody: { title: 'Lab report', workType: 'ASSIGNMENT', state: 'PUBLISHED', maxPoints: 100, ...dueIn(new Date(START), 7) },
    });
    expect(work).toMatchObject({ state: 'PUBLISHED', maxPoints: 100, associatedWithDeveloper: true, dueDate: { year: 2026, month: 9, day: 8 }, dueTime: { hours: 23, minutes: 59 } });
    const workId = work.id!;
    expect(events.filter((e) => e.courseWorkId === workId).map((e) => [e.change, e.submissionId === undefined ? 'work' : 'submission'])).toEqual([
      ['CREATED', 'work'],
      ['CREATED', 'submission'],
      ['CREATED', 'submission'],
    ]);

    // The teacher sees one submission per student, NEW until the student opens it.
    const before = (await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: workId })).data.studentSubmissions!;
    expect(before.map((x) => [x.userId, x.state]).sort()).toEqual([[ada.id, 'NEW'], [bob.id, 'NEW']].sort());
    expect(before[0]!.creationTime).toBeUndefined();

    // The student opens theirs: CREATED, with a creation time and the first history entry.
    const mine = (await ada.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: workId })).data.studentSubmissions!;
    expect(mine).toHaveLength(1);
    const sub = mine[0]!;
    expect(sub).toEqual({
      courseId,
      courseWorkId: workId,
      id: sub.id,
      userId: ada.id,
      creationTime: iso(START),
      updateTime: iso(START),
      state: 'CREATED',
      alternateLink: sub.alternateLink,
      courseWorkType: 'ASSIGNMENT',
      associatedWithDeveloper: true,
      submissionHistory: [{ stateHistory: { state: 'CREATED', stateTimestamp: iso(START), actorUserId: ada.id } }],
      assignmentSubmission: {},
    });

    // Attach a Drive file the student owns, then turn in.
    const essay = await driveFile(emulator, ada, 'My lab report');
    const attached = await ada.api.courses.courseWork.studentSubmissions.modifyAttachments({
      courseId,
      courseWorkId: workId,
      id: sub.id!,
      requestBody: { addAttachments: [{ driveFile: { id: essay.id } }] },
    });
    expect(attached.data.assignmentSubmission).toEqual({
      attachments: [{ driveFile: { id: essay.id, title: 'My lab report', alternateLink: `https://docs.google.com/document/d/${essay.id}/edit`, thumbnailUrl: essay.thumbnailUrl } }],
    });
    await emulator.admin.advanceClock(60);
    expect((await ada.api.courses.courseWork.studentSubmissions.turnIn({ courseId, courseWorkId: workId, id: sub.id! })).data).toEqual({});
    // Turning in hands the attached file to the teacher; the student keeps read access.
    expect(await emulator.admin.driveFile(essay.id)).toMatchObject({ owner: s.teacher.email, sharedWith: [ada.email] });

    // Grades: a draft, then an assigned grade; the student sees neither before the return.
    const ref = { courseId, courseWorkId: workId, id: sub.id! };
    await emulator.admin.advanceClock(60);
    const drafted = await s.teacher.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'draftGrade', requestBody: { draftGrade: 87.456 } });
    expect(drafted.data).toMatchObject({ state: 'TURNED_IN', draftGrade: 87.46 });
    await emulator.admin.advanceClock(60);
    await s.teacher.api.courses.courseWork.studentSubmissions.patch({ ...ref, updateMask: 'assigned_grade', requestBody: { assignedGrade: 90 } });
    const hidden = (await ada.api.courses.courseWork.studentSubmissions.get(ref)).data;
    expect(hidden.state).toBe('TURNED_IN');
    expect(hidden.draftGrade).toBeUndefined();
    expect(hidden.assignedGrade).toBeUndefined();

    await emulator.admin.advanceClock(60);
    expect((await s.teacher.api.courses.courseWork.studentSubmissions.return(ref)).data).toEqual({});
    expect(await emulator.admin.driveFile(essay.id)).toMatchObject({ owner: ada.email, sharedWith: [s.teacher.email] });
    const returned = (await ada.api.courses.courseWork.studentSubmissions.get(ref)).data;
    expect(returned).toMatchObject({ state: 'RETURNED', assignedGrade: 90 });
    expect(returned.draftGrade).toBeUndefined();
    expect(returned.late).toBeUndefined();
    expect(returned.submissionHistory).toEqual([
      { stateHistory: { state: 'CREATED', stateTimestamp: iso(START), actorUserId: ada.id } },
      { stateHistory: { state: 'TURNED_IN', stateTimestamp: iso(START + 60_000), actorUserId: ada.id } },
      { gradeHistory: { pointsEarned: 90, maxPoints: 100, gradeTimestamp: iso(START + 180_000), actorUserId: s.teacher.id, gradeChangeType: 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE' } },
      { stateHistory: { state: 'RETURNED', stateTimestamp: iso(START + 240_000), actorUserId: s.teacher.id } },
    ]);
    const teacherView = (await s.teacher.api.courses.courseWork.studentSubmissions.get(ref)).data;
    expect(teacherView).toMatchObject({ state: 'RETURNED', draftGrade: 87.46, assignedGrade: 90 });
    expect(teacherView.submissionHistory).toHaveLength(5);
    expect(teacherView.submissionHistory![2]).toEqual({
      gradeHistory: { pointsEarned: 87.46, maxPoints: 100, gradeTimestamp: iso(START + 120_000), actorUserId: s.teacher.id, gradeChangeType: 'DRAFT_GRADE_POINTS_EARNED_CHANGE' },
    });
    const changes = events.filter((e) => e.submissionId === sub.id && e.change === 'MODIFIED');
    expect(changes).toHaveLength(5); // attach, turn in, draft grade, assigned grade, return

    // Bob never turns in; eight days later his work is late, and stays late when he hands it in.
    const bobsSub = before.find((x) => x.userId === bob.id)!;
    const notLate = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: workId, late: 'LATE_ONLY' });
    expect(notLate.data.studentSubmissions).toBeUndefined();
    await emulator.admin.advanceClock(8 * 86_400);
    const late = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: workId, late: 'LATE_ONLY' });
    expect(late.data.studentSubmissions!.map((x) => [x.userId, x.late])).toEqual([[bob.id, true]]);
    const onTime = await s.teacher.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: '-', late: 'NOT_LATE_ONLY' });
    expect(onTime.data.studentSubmissions!.map((x) => x.userId)).toEqual([ada.id]);
    await bob.api.courses.courseWork.studentSubmissions.turnIn({ courseId, courseWorkId: workId, id: bobsSub.id! });
    const bobs = (await bob.api.courses.courseWork.studentSubmissions.get({ courseId, courseWorkId: workId, id: bobsSub.id! })).data;
    expect(bobs).toMatchObject({ state: 'TURNED_IN', late: true });
    expect(bobs.submissionHistory!.map((h) => h.stateHistory?.state)).toEqual(['CREATED', 'TURNED_IN']);
  });
});
