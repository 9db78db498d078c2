import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassroomEvent } from '../src/platform/events.js';
import { course, inProject, school, type School } from './helpers/classwork-fixtures.js';
import { parseCurl } from './helpers/curl.js';
import { adminFailure, denied, failure, invalid, notFound, officialClient, person, startEmulator, STORES, wire, wireBody, type Person } from './helpers/harness.js';

const START = Date.UTC(2026, 8, 1, 12, 0, 0);
const ADD_ON = 'quiz-addon';
const OTHER = 'flashcards-addon';
const Q = 'https://quiz.example/';
const SERVICE = 'classroom.googleapis.com';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';

/** The whole body of ProjectPermissionDenied with this message. */
const projectDenied = (message: string) => wireBody('ProjectPermissionDenied', 'PERMISSION_DENIED', 403, 'forbidden', `@ProjectPermissionDenied ${message}`);
const NOT_FOUND = notFound('Requested entity was not found.');
const ATTACHMENT_OF_ANOTHER = 'The attachment was created by another add-on; only that add-on can use it.';

/** A valid attachment body, with overrides. */
function attachment(extra: Record<string, unknown> = {}) {
  return { title: 'Fractions quiz', teacherViewUri: { uri: `${Q}teacher` }, studentViewUri: { uri: `${Q}student` }, ...extra };
}

describe.each(STORES)('add-ons on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;
  /** The school's Classroom app (default project) and the add-on's clients for the same people. */
  let teacher: Person;
  let ada: Person;
  let bob: Person;
  let other: Person;
  const events: Extract<ClassroomEvent, { kind: 'course-work' }>[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ store: options(), frozenAt: START });
    emulator.env.events.on((e) => {
      if (e.kind === 'course-work') events.push(e);
    });
    s = await school(emulator, 'addons.example', 2);
    courseId = await course(s);
    await emulator.admin.registerAddOn(ADD_ON, { title: 'Quiz Lab', attachmentUriPrefixes: [Q] });
    await emulator.admin.registerAddOn(OTHER, { attachmentUriPrefixes: ['https://cards.example/'] });
    teacher = await inProject(emulator, s.teacher, ADD_ON);
    ada = await inProject(emulator, s.students[0]!, ADD_ON);
    bob = await inProject(emulator, s.students[1]!, ADD_ON);
    other = await inProject(emulator, s.teacher, OTHER);
  });
  afterAll(() => emulator.close());

  /** Published course work made by the school's own Classroom app (not the add-on). */
  async function work(maxPoints?: number): Promise<string> {
    const { data } = await s.teacher.api.courses.courseWork.create({
      courseId,
      requestBody: { title: 'Fractions', workType: 'ASSIGNMENT', state: 'PUBLISHED', ...(maxPoints ? { maxPoints } : {}) },
    });
    return data.id!;
  }

  /** The addOnToken Classroom gives the teacher's Attachment Discovery iframe on an item. */
  async function discoveryToken(itemId: string, who = s.teacher.email, project = ADD_ON): Promise<string> {
    const launch = await emulator.admin.launchAddOn(project, { iframe: 'attachmentDiscovery', user: who, course: courseId, item: itemId });
    return launch.query.addOnToken!;
  }

  async function attached(itemId: string, extra: Record<string, unknown> = {}) {
    const { data } = await teacher.api.courses.courseWork.addOnAttachments.create({ courseId, itemId, addOnToken: await discoveryToken(itemId), requestBody: attachment(extra) });
    return data;
  }

  it('the whole flow: the teacher attaches, the student opens it, the teacher grades, the grade reaches the Classroom submission', async () => {
    const itemId = await work(10);

    // The teacher opens the add-on from Classroom: the Attachment Discovery iframe gets an addOnToken.
    const discovery = await emulator.admin.launchAddOn(ADD_ON, { iframe: 'attachmentDiscovery', user: s.teacher.email, course: courseId, item: itemId });
    const addOnToken = discovery.query.addOnToken!;
    expect(discovery).toEqual({
      iframe: 'attachmentDiscovery',
      url: `${Q}?${new URLSearchParams({ courseId, itemId, itemType: 'courseWork', addOnToken, login_hint: s.teacher.id })}`,
      query: { courseId, itemId, itemType: 'courseWork', addOnToken, login_hint: s.teacher.id },
    });
    const { data: teacherContext } = await teacher.api.courses.courseWork.getAddOnContext({ courseId, itemId, addOnToken });
    expect(teacherContext).toEqual({ courseId, itemId, postId: itemId, supportsStudentWork: true, teacherContext: {} });

    const { data: created } = await teacher.api.courses.courseWork.addOnAttachments.create({
      courseId,
      itemId,
      addOnToken,
      requestBody: attachment({ studentWorkReviewUri: { uri: `${Q}review` }, maxPoints: 10, dueDate: { year: 2026, month: 9, day: 8 }, dueTime: { hours: 17 } }),
    });
    const attachmentId = created.id!;
    expect(created).toEqual({
      courseId,
      itemId,
      postId: itemId,
      id: attachmentId,
      title: 'Fractions quiz',
      teacherViewUri: { uri: `${Q}teacher` },
      studentViewUri: { uri: `${Q}student` },
      studentWorkReviewUri: { uri: `${Q}review` },
      dueDate: { year: 2026, month: 9, day: 8 },
      dueTime: { hours: 17 },
      maxPoints: 10,
    });

    // Ada opens it: her iframe carries the attachment id; the context names her Classroom submission.
    const studentView = await emulator.admin.launchAddOn(ADD_ON, { iframe: 'studentView', user: ada.email, course: courseId, item: itemId, attachmentId });
    expect(studentView.query).toEqual({ courseId, itemId, itemType: 'courseWork', attachmentId, login_hint: ada.id });
    expect(studentView.url.startsWith(`${Q}student?`)).toBe(true);
    const { data: studentContext } = await ada.api.courses.courseWork.getAddOnContext({ courseId, itemId, attachmentId });
    const classroomSub = (await s.students[0]!.api.courses.courseWork.studentSubmissions.list({ courseId, courseWorkId: itemId })).data.studentSubmissions![0]!;
    expect(studentContext).toEqual({ courseId, itemId, postId: itemId, supportsStudentWork: true, studentContext: { submissionId: classroomSub.id } });
    const submissionId = classroomSub.id!;
    expect((await ada.api.courses.courseWork.addOnAttachments.get({ courseId, itemId, attachmentId })).data).toEqual(created);

    // The teacher reviews Ada's work: the review iframe carries the same submission id.
    const review = await emulator.admin.launchAddOn(ADD_ON, { iframe: 'studentWorkReview', user: s.teacher.email, course: courseId, item: itemId, attachmentId, student: ada.email });
    expect(review.query.submissionId).toBe(submissionId);
    expect(review.url.startsWith(`${Q}review?`)).toBe(true);

    const ref = { courseId, itemId, attachmentId, submissionId };
    expect((await ada.api.courses.courseWork.addOnAttachments.studentSubmissions.get(ref)).data).toEqual({ postSubmissionState: 'CREATED' });
    await emulator.admin.advanceClock(60);
    const before = events.length;
    const { data: graded } = await teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, updateMask: 'pointsEarned', requestBody: { pointsEarned: 8.5 } });
    expect(graded).toEqual({ pointsEarned: 8.5, postSubmissionState: 'CREATED' });
    expect(events.slice(before)).toEqual([{ kind: 'course-work', courseId, courseWorkId: itemId, submissionId, change: 'MODIFIED', at: START + 60_000 }]);

    // Grade passback: the Classroom submission now carries the grade as its draft, with its history.
    const { data: sub } = await s.teacher.api.courses.courseWork.studentSubmissions.get({ courseId, courseWorkId: itemId, id: submissionId });
    expect(sub.draftGrade).toBe(8.5);
    expect(sub.submissionHistory!.at(-1)).toEqual({
      gradeHistory: {
        pointsEarned: 8.5,
        maxPoints: 10,
        gradeTimestamp: new Date(START + 60_000).toISOString(),
        actorUserId: s.teacher.id,
        gradeChangeType: 'DRAFT_GRADE_POINTS_EARNED_CHANGE',
      },
    });
    // A draft grade is the teacher's: the student sees neither it nor its history entry.
    const { data: hers } = await s.students[0]!.api.courses.courseWork.studentSubmissions.get({ courseId, courseWorkId: itemId, id: submissionId });
    expect(hers.draftGrade).toBeUndefined();
    expect((await ada.api.courses.courseWork.addOnAttachments.studentSubmissions.get(ref)).data).toEqual({ pointsEarned: 8.5, postSubmissionState: 'CREATED' });

    // The same attachment through the posts routes.
    expect((await teacher.api.courses.posts.addOnAttachments.get({ courseId, postId: itemId, attachmentId })).data).toEqual(created);
    expect((await teacher.api.courses.posts.addOnAttachments.studentSubmissions.get({ courseId, postId: itemId, attachmentId, submissionId })).data).toEqual(graded);
    expect((await teacher.api.courses.courseWork.addOnAttachments.list({ courseId, itemId })).data).toEqual({ addOnAttachments: [created] });
  });

  it('partner-first: an add-on attaches without a token to an item its own project created, and to nothing else', async () => {
    const { data: own } = await teacher.api.courses.courseWorkMaterials.create({ courseId, requestBody: { title: 'Reading', state: 'PUBLISHED' } });
    const { data: created } = await teacher.api.courses.courseWorkMaterials.addOnAttachments.create({ courseId, itemId: own.id!, requestBody: attachment() });
    expect(created).toMatchObject({ itemId: own.id, title: 'Fractions quiz' });
    const { data: context } = await ada.api.courses.courseWorkMaterials.getAddOnContext({ courseId, itemId: own.id!, attachmentId: created.id! });
    expect(context).toEqual({ courseId, itemId: own.id, postId: own.id, supportsStudentWork: false, studentContext: {} });

    const itemId = await work();
    const { status, body } = await failure(teacher.api.courses.courseWork.addOnAttachments.create({ courseId, itemId, requestBody: attachment() }));
    expect(status).toBe(403);
    expect(body).toEqual(projectDenied('The item was created by another Cloud project; an add-on may attach to it only with the addOnToken its iframe received.'));
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.list({ courseId, itemId }))).body).toEqual(
      denied('This add-on has no attachments on the item and may not create any.'),
    );
  });

  it('ProjectPermissionDenied: another add-on cannot read, change, delete or grade the attachment', async () => {
    const itemId = await work(10);
    const made = await attached(itemId, { studentWorkReviewUri: { uri: `${Q}review` }, maxPoints: 10 });
    const ref = { courseId, itemId, attachmentId: made.id! };
    const submissionId = (await ada.api.courses.courseWork.getAddOnContext({ ...ref })).data.studentContext!.submissionId!;
    for (const call of [
      () => other.api.courses.courseWork.addOnAttachments.get(ref),
      () => other.api.courses.courseWork.addOnAttachments.patch({ ...ref, updateMask: 'title', requestBody: { title: 'Mine now' } }),
      () => other.api.courses.courseWork.addOnAttachments.delete(ref),
      () => other.api.courses.posts.addOnAttachments.get({ courseId, postId: itemId, attachmentId: made.id! }),
      () => other.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, submissionId, updateMask: 'pointsEarned', requestBody: { pointsEarned: 1 } }),
    ]) {
      const { status, body } = await failure(call());
      expect(status).toBe(403);
      expect(body).toEqual(projectDenied(ATTACHMENT_OF_ANOTHER));
    }
    // Nothing changed: the attachment and the grades are as before.
    expect((await teacher.api.courses.courseWork.addOnAttachments.get(ref)).data).toEqual(made);
    // Ada opened the add-on, so the work is opened (CREATED); it is still ungraded.
    expect((await teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.get({ ...ref, submissionId })).data).toEqual({ postSubmissionState: 'CREATED' });
  });

  it('a project that is not a registered add-on is refused; so is a token the iframe gave someone else', async () => {
    const itemId = await work();
    const { body } = await failure(s.teacher.api.courses.courseWork.getAddOnContext({ courseId, itemId, attachmentId: 'x' }));
    expect(body).toEqual(denied('The Cloud project emulator-project is not registered as a Classroom add-on.'));
    const token = await discoveryToken(itemId);
    const otherItem = await work();
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.create({ courseId, itemId: otherItem, addOnToken: token, requestBody: attachment() }))).body).toEqual(
      denied('The add-on token was issued for another add-on, user or item.'),
    );
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.create({ courseId, itemId, addOnToken: 'forged', requestBody: attachment() }))).body).toEqual(
      denied('The add-on token is not valid.'),
    );
    expect((await failure(teacher.api.courses.courseWork.getAddOnContext({ courseId, itemId: otherItem, attachmentId: 'nope' }))).body).toEqual(
      denied('An addOnToken is required: this add-on has no attachments on the item and did not create it.'),
    );
  });

  it('scopes: the student scope cannot change attachments; Classroom scopes without an add-on scope reach nothing', async () => {
    const itemId = await work();
    const { accessToken } = await emulator.admin.mintToken({ user: s.teacher.email, project: ADD_ON, scopes: ['classroom.addons.student'] });
    const narrow = { ...teacher, api: officialClient(emulator, accessToken) };
    const scopeBody = (method: string) =>
      wire(403, 'PERMISSION_DENIED', 'insufficientPermissions', 'Request had insufficient authentication scopes.', [
        { '@type': ERROR_INFO, reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: SERVICE, method } },
      ]);
    expect((await failure(narrow.api.courses.courseWork.addOnAttachments.create({ courseId, itemId, requestBody: attachment() }))).body).toEqual(
      scopeBody('classroom.courses.courseWork.addOnAttachments.create'),
    );
    const classroomOnly = await person(emulator, 'classroom-only@addons.example', {}, { project: ADD_ON, scopes: ['classroom.coursework.students', 'classroom.courses'] });
    expect((await failure(classroomOnly.api.courses.posts.getAddOnContext({ courseId, postId: itemId }))).body).toEqual(scopeBody('classroom.courses.posts.getAddOnContext'));
    // The student scope reads: the teacher opens the context of an item the add-on has attachments on.
    const made = await attached(itemId);
    expect((await narrow.api.courses.courseWork.getAddOnContext({ courseId, itemId, attachmentId: made.id! })).data.teacherContext).toEqual({});
  });

  it('roles: students cannot attach or grade, nor read a classmate\'s grade; outsiders get no context', async () => {
    const itemId = await work(10);
    const made = await attached(itemId, { studentWorkReviewUri: { uri: `${Q}review` }, maxPoints: 10 });
    const ref = { courseId, itemId, attachmentId: made.id! };
    expect((await failure(ada.api.courses.courseWork.addOnAttachments.create({ courseId, itemId, requestBody: attachment() }))).body).toEqual(
      denied('Only teachers of the course can attach add-ons.'),
    );
    expect((await failure(ada.api.courses.courseWork.addOnAttachments.patch({ ...ref, updateMask: 'title', requestBody: { title: 'A+' } }))).body).toEqual(
      denied('Only teachers of the course can change add-on attachments.'),
    );
    const adaSub = (await ada.api.courses.courseWork.getAddOnContext(ref)).data.studentContext!.submissionId!;
    const bobSub = (await bob.api.courses.courseWork.getAddOnContext(ref)).data.studentContext!.submissionId!;
    expect((await failure(ada.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, submissionId: adaSub, updateMask: 'pointsEarned', requestBody: { pointsEarned: 10 } }))).body).toEqual(
      denied('Only teachers of the course can grade add-on attachments.'),
    );
    expect((await failure(ada.api.courses.courseWork.addOnAttachments.studentSubmissions.get({ ...ref, submissionId: bobSub }))).body).toEqual(
      denied("The caller may not see another student's submission."),
    );
    const adminViaAddOn = await inProject(emulator, s.admin, ADD_ON);
    expect((await failure(adminViaAddOn.api.courses.courseWork.getAddOnContext(ref))).body).toEqual(denied('Only teachers and students of the course can use its add-ons.'));
    expect((await adminFailure(emulator.admin.launchAddOn(ADD_ON, { iframe: 'teacherView', user: ada.email, course: courseId, item: itemId, attachmentId: made.id! }))).status).toBe(400);
  });

  it('INVALID_ARGUMENT names the field, and a refused attachment leaves nothing behind', async () => {
    const itemId = await work();
    const addOnToken = await discoveryToken(itemId);
    const create = (body: Record<string, unknown>, extra: Record<string, string> = {}) =>
      failure(teacher.api.courses.courseWork.addOnAttachments.create({ courseId, itemId, addOnToken, ...extra, requestBody: body }));
    const cases: [Record<string, unknown>, string, string][] = [
      [attachment({ title: '' }), 'add_on_attachment.title', 'An add-on attachment needs a title.'],
      [attachment({ title: 'x'.repeat(1001) }), 'add_on_attachment.title', 'The title is longer than 1000 characters.'],
      [attachment({ teacherViewUri: undefined }), 'add_on_attachment.teacher_view_uri.uri', 'teacher_view_uri needs a uri.'],
      [attachment({ studentViewUri: { uri: 'https://evil.example/x' } }), 'add_on_attachment.student_view_uri.uri', '"https://evil.example/x" does not start with any of the add-on\'s allowed attachment URI prefixes.'],
      [attachment({ studentViewUri: { uri: `${Q}${'a'.repeat(1800)}` } }), 'add_on_attachment.student_view_uri.uri', 'The uri is longer than 1800 characters.'],
      [attachment({ maxPoints: 10 }), 'add_on_attachment.max_points', 'maxPoints can only be set on an attachment with a studentWorkReviewUri.'],
      [attachment({ studentWorkReviewUri: { uri: `${Q}r` }, maxPoints: 2.5 }), 'add_on_attachment.max_points', 'maxPoints must be a non-negative whole number.'],
      [attachment({ dueDate: { year: 2026, month: 9, day: 8 } }), 'add_on_attachment.due_time', 'A due date needs a due time.'],
      [attachment({ dueTime: { hours: 9 } }), 'add_on_attachment.due_date', 'A due time needs a due date.'],
      [attachment({ dueDate: { year: 2026, month: 2, day: 30 }, dueTime: { hours: 9 } }), 'add_on_attachment.due_date', 'The due date is not a valid calendar date.'],
    ];
    for (const [body, field, message] of cases) {
      const { status, body: wireBodyGot } = await create(body);
      expect(status, field).toBe(400);
      expect(wireBodyGot).toEqual(invalid(message, field));
    }
    expect((await create(attachment(), { postId: 'another' })).body).toEqual(invalid(`post_id names another, but the path names ${itemId}; give one item.`, 'post_id'));
    expect((await failure(teacher.api.courses.courseWork.getAddOnContext({ courseId, itemId }))).body).toEqual(
      invalid('attachmentId is required outside the Attachment Discovery iframe.', 'attachment_id'),
    );
    // Nothing was created by any of them.
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.list({ courseId, itemId }))).status).toBe(403);

    const made = await attached(itemId);
    const ref = { courseId, itemId, attachmentId: made.id! };
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.patch({ ...ref, updateMask: 'title', requestBody: {} }))).body).toEqual(
      invalid('An add-on attachment needs a title.', 'add_on_attachment.title'),
    );
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.patch({ ...ref, updateMask: 'id', requestBody: {} }))).body).toEqual(
      invalid('The update mask names a field that cannot be changed: id.', 'update_mask'),
    );
    const adaSub = (await ada.api.courses.courseWork.getAddOnContext(ref)).data.studentContext!.submissionId!;
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, submissionId: adaSub, updateMask: 'pointsEarned', requestBody: { pointsEarned: 3 } }))).body).toEqual(
      invalid('The attachment takes no grades: its maxPoints is not positive.', 'points_earned'),
    );
    expect((await teacher.api.courses.courseWork.addOnAttachments.get(ref)).data).toEqual(made);
  });

  it('patch: named fields change; removing the review URI drops maxPoints; a clear of the due date takes the time along', async () => {
    const itemId = await work(10);
    const made = await attached(itemId, { studentWorkReviewUri: { uri: `${Q}review` }, maxPoints: 10, dueDate: { year: 2026, month: 9, day: 8 }, dueTime: { hours: 17 } });
    const ref = { courseId, itemId, attachmentId: made.id! };
    const { data: renamed } = await teacher.api.courses.courseWork.addOnAttachments.patch({ ...ref, updateMask: 'title,teacher_view_uri', requestBody: { title: 'Decimals', teacherViewUri: { uri: `${Q}t2` } } });
    expect(renamed).toEqual({ ...made, title: 'Decimals', teacherViewUri: { uri: `${Q}t2` } });
    const { data: plain } = await teacher.api.courses.courseWork.addOnAttachments.patch({ ...ref, updateMask: 'studentWorkReviewUri,dueDate,dueTime', requestBody: {} });
    expect(plain).toEqual({ ...renamed, studentWorkReviewUri: undefined, maxPoints: undefined, dueDate: undefined, dueTime: undefined });
    expect(Object.keys(plain)).not.toContain('maxPoints');
  });

  it('an archived course keeps its attachments readable but refuses new ones, and its grades', async () => {
    const archivedId = await course(s, s.students, 'Archived');
    const { data: hw } = await s.teacher.api.courses.courseWork.create({ courseId: archivedId, requestBody: { title: 'Old', workType: 'ASSIGNMENT', state: 'PUBLISHED', maxPoints: 10 } });
    const token = (await emulator.admin.launchAddOn(ADD_ON, { iframe: 'attachmentDiscovery', user: s.teacher.email, course: archivedId, item: hw.id! })).query.addOnToken!;
    const ref = { courseId: archivedId, itemId: hw.id! };
    const { data: made } = await teacher.api.courses.courseWork.addOnAttachments.create({ ...ref, addOnToken: token, requestBody: attachment({ studentWorkReviewUri: { uri: `${Q}r` }, maxPoints: 10 }) });
    const submissionId = (await ada.api.courses.courseWork.getAddOnContext({ ...ref, attachmentId: made.id! })).data.studentContext!.submissionId!;
    await s.teacher.api.courses.patch({ id: archivedId, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const closed = wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', 'The course is ARCHIVED; its classwork cannot change.');
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.create({ ...ref, addOnToken: token, requestBody: attachment() }))).body).toEqual(closed);
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, attachmentId: made.id!, submissionId, updateMask: 'pointsEarned', requestBody: { pointsEarned: 3 } }))).body).toEqual(closed);
    expect((await teacher.api.courses.courseWork.addOnAttachments.list(ref)).data).toEqual({ addOnAttachments: [made] });
  });

  it('NOT_FOUND for unknown courses, items, items of another kind and attachments', async () => {
    const itemId = await work();
    const made = await attached(itemId);
    const { data: note } = await s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'Hello', state: 'PUBLISHED' } });
    for (const call of [
      () => teacher.api.courses.courseWork.addOnAttachments.get({ courseId: '999999999999', itemId, attachmentId: made.id! }),
      () => teacher.api.courses.courseWork.addOnAttachments.get({ courseId, itemId: '999999999999', attachmentId: made.id! }),
      () => teacher.api.courses.courseWork.addOnAttachments.get({ courseId, itemId: note.id!, attachmentId: made.id! }),
      () => teacher.api.courses.announcements.addOnAttachments.get({ courseId, itemId, attachmentId: made.id! }),
      () => teacher.api.courses.courseWork.addOnAttachments.get({ courseId, itemId, attachmentId: 'missing' }),
      () => teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.get({ courseId, itemId, attachmentId: made.id!, submissionId: 'missing' }),
    ]) {
      const { status, body } = await failure(call());
      expect(status).toBe(404);
      expect(body).toEqual(NOT_FOUND);
    }
    // Deleted: gone for everyone, and the item's deletion takes its attachments out of reach.
    await teacher.api.courses.courseWork.addOnAttachments.delete({ courseId, itemId, attachmentId: made.id! });
    expect((await failure(teacher.api.courses.courseWork.addOnAttachments.get({ courseId, itemId, attachmentId: made.id! }))).body).toEqual(NOT_FOUND);
  });

  it('posts: announcements take attachments through either route; they have no student work', async () => {
    const { data: note } = await s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'Field trip', state: 'PUBLISHED' } });
    const addOnToken = await discoveryToken(note.id!);
    const { data: made } = await teacher.api.courses.posts.addOnAttachments.create({ courseId, postId: note.id!, addOnToken, requestBody: attachment() });
    expect((await teacher.api.courses.announcements.addOnAttachments.list({ courseId, itemId: note.id! })).data).toEqual({ addOnAttachments: [made] });
    expect((await ada.api.courses.posts.getAddOnContext({ courseId, postId: note.id!, attachmentId: made.id! })).data).toEqual({
      courseId, itemId: note.id, postId: note.id, supportsStudentWork: false, studentContext: {},
    });
    expect((await failure(teacher.api.courses.announcements.addOnAttachments.create({ courseId, itemId: note.id!, addOnToken, requestBody: attachment({ studentWorkReviewUri: { uri: `${Q}r` } }) }))).body).toEqual(
      invalid('Only course work has student work to review.', 'add_on_attachment.student_work_review_uri'),
    );
    expect((await failure(teacher.api.courses.posts.addOnAttachments.get({ courseId, postId: note.id!, itemId: 'other', attachmentId: made.id! }))).body).toEqual(
      invalid(`item_id names other, but the path names ${note.id}; give one item.`, 'item_id'),
    );
  });

  it('the admin API registers add-ons, lists them, and opens only the iframes Classroom would open', async () => {
    const itemId = await work(10);
    const made = await attached(itemId, { studentWorkReviewUri: { uri: `${Q}review` }, maxPoints: 10 });
    const { addOns } = await emulator.admin.addOns();
    expect(addOns.map((a) => [a.project, a.title, a.attachmentUriPrefixes, a.setupUri])).toEqual([
      // Registered at the same (frozen) moment, so in project order.
      [OTHER, OTHER, ['https://cards.example/'], 'https://cards.example/'],
      [ADD_ON, 'Quiz Lab', [Q], Q],
    ]);
    expect(await adminFailure(emulator.admin.registerAddOn('bad-addon', { attachmentUriPrefixes: ['ftp://files.example/'] }))).toEqual({
      status: 400,
      body: invalid('"ftp://files.example/" is not an absolute http(s) URI.', 'attachmentUriPrefixes[0]'),
    });
    const launch = (input: Partial<Parameters<typeof emulator.admin.launchAddOn>[1]>, project = ADD_ON) =>
      adminFailure(emulator.admin.launchAddOn(project, { iframe: 'teacherView', user: s.teacher.email, course: courseId, item: itemId, ...input }));
    expect(await launch({}, 'nobody-addon')).toEqual({ status: 404, body: notFound('No add-on is registered for nobody-addon.') });
    expect(await launch({})).toEqual({ status: 400, body: invalid('The teacherView iframe shows one attachment: give attachmentId.', 'attachmentId') });
    expect(await launch({ attachmentId: 'missing' })).toEqual({ status: 404, body: notFound('The item has no attachment missing of this add-on.') });
    expect(await launch({ iframe: 'studentView', attachmentId: made.id! })).toEqual({
      status: 400,
      body: wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', 'Classroom opens the studentView iframe only for students of the course.'),
    });
    expect(await launch({ iframe: 'studentWorkReview', attachmentId: made.id! })).toEqual({
      status: 400,
      body: invalid("The studentWorkReview iframe shows one student's work: give student.", 'student'),
    });
    expect((await emulator.admin.launchAddOn(ADD_ON, { iframe: 'teacherView', user: s.teacher.email, course: courseId, item: itemId, attachmentId: made.id! })).url).toBe(
      `${Q}teacher?${new URLSearchParams({ courseId, itemId, itemType: 'courseWork', attachmentId: made.id!, login_hint: s.teacher.id })}`,
    );
    await emulator.admin.deleteAddOn(OTHER);
    expect((await failure(other.api.courses.courseWork.addOnAttachments.list({ courseId, itemId }))).body).toEqual(
      denied(`The Cloud project ${OTHER} is not registered as a Classroom add-on.`),
    );
    expect(await adminFailure(emulator.admin.deleteAddOn(OTHER))).toEqual({ status: 404, body: notFound(`No add-on is registered for ${OTHER}.`) });
    await emulator.admin.registerAddOn(OTHER, { attachmentUriPrefixes: ['https://cards.example/'] });
  });

  it('racing creations each get their own attachment; lists page by 20 at most; racing grades leave both records equal', async () => {
    const itemId = await work(10);
    const addOnToken = await discoveryToken(itemId);
    const made = await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        teacher.api.courses.courseWork.addOnAttachments.create({
          courseId, itemId, addOnToken,
          requestBody: attachment({ title: `Quiz ${i}`, studentWorkReviewUri: { uri: `${Q}r` }, maxPoints: 10 }),
        }),
      ),
    );
    expect(new Set(made.map((r) => r.data.id)).size).toBe(23);
    const first = await teacher.api.courses.courseWork.addOnAttachments.list({ courseId, itemId, pageSize: 100 });
    expect(first.data.addOnAttachments).toHaveLength(20);
    const second = await teacher.api.courses.courseWork.addOnAttachments.list({ courseId, itemId, pageToken: first.data.nextPageToken! });
    expect(second.data.addOnAttachments).toHaveLength(3);
    expect(second.data.nextPageToken).toBeUndefined();
    expect(new Set([...first.data.addOnAttachments!, ...second.data.addOnAttachments!].map((a) => a.id)).size).toBe(23);

    // The oldest graded attachment syncs; concurrent grades of it end with one value in both places.
    const syncing = [...first.data.addOnAttachments!, ...second.data.addOnAttachments!][0]!;
    const submissionId = (await ada.api.courses.courseWork.getAddOnContext({ courseId, itemId, attachmentId: syncing.id! })).data.studentContext!.submissionId!;
    const ref = { courseId, itemId, attachmentId: syncing.id!, submissionId };
    await Promise.all([1, 2, 3, 4, 5, 6].map((p) => teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, updateMask: 'points_earned', requestBody: { pointsEarned: p } })));
    const addOnGrade = (await teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.get(ref)).data.pointsEarned;
    const classroomGrade = (await s.teacher.api.courses.courseWork.studentSubmissions.get({ courseId, courseWorkId: itemId, id: submissionId })).data.draftGrade;
    expect(classroomGrade).toBe(addOnGrade);
    // A grade on an attachment that does not sync stays with the add-on.
    const later = [...first.data.addOnAttachments!, ...second.data.addOnAttachments!][5]!;
    await teacher.api.courses.courseWork.addOnAttachments.studentSubmissions.patch({ ...ref, attachmentId: later.id!, updateMask: 'pointsEarned', requestBody: { pointsEarned: 0.5 } });
    expect((await s.teacher.api.courses.courseWork.studentSubmissions.get({ courseId, courseWorkId: itemId, id: submissionId })).data.draftGrade).toBe(classroomGrade);
  });
});

describe("the demo school's add-on, as examples/demo-school.md documents it", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ demo: true, frozenAt: START });
  });
  afterAll(() => emulator.close());

  it('each documented call answers, and the add-on grade reaches the Classroom submission', async () => {
    const doc = readFileSync(new URL('../examples/demo-school.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## An add-on'), doc.indexOf('## One call to each error'));
    const lines = section.split('\n').filter((line) => line.startsWith('curl '));
    expect(lines).toHaveLength(4);
    const answers: unknown[] = [];
    for (const line of lines) {
      const call = parseCurl(line);
      const response = await fetch(call.url.replace('$E', emulator.url), { method: call.method, headers: call.headers, ...(call.body !== undefined ? { body: call.body } : {}) });
      expect(response.status, line).toBe(200);
      answers.push(await response.json());
    }
    const [list, context, graded, submission] = answers as [{ addOnAttachments: unknown[] }, unknown, unknown, Record<string, unknown>];
    expect(list.addOnAttachments).toEqual([
      expect.objectContaining({ id: 'quizlab-fractions', itemId: '700000000001', maxPoints: 10, studentWorkReviewUri: { uri: 'https://quizlab.example/review/fractions' } }),
    ]);
    expect(context).toMatchObject({ itemId: '700000000001', supportsStudentWork: true, studentContext: { submissionId: 'Cg4IdemoAvaQuiz' } });
    expect(graded).toEqual({ pointsEarned: 9, postSubmissionState: 'CREATED' });
    expect(submission).toMatchObject({ id: 'Cg4IdemoAvaQuiz', draftGrade: 9 });

    const launch = await emulator.admin.launchAddOn('maplewood-quiz', { iframe: 'studentView', user: 'ava.chen@maplewood.example', course: 'd:welcome', item: '700000000001', attachmentId: 'quizlab-fractions' });
    expect(launch.url.startsWith('https://quizlab.example/student/fractions?')).toBe(true);
    expect(launch.query).toMatchObject({ itemId: '700000000001', itemType: 'courseWork', attachmentId: 'quizlab-fractions' });
  });
});
