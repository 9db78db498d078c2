import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGroupCandidate, checkGroupLimit, checkGroupMemberLimit, checkGroupReader, checkGroupTitle, checkGroupWriter } from '../src/rules/student-groups.js';
import { course, enrol, school, type School } from './helpers/classwork-fixtures.js';
import { adminFailure, denied, failure, invalid, notFound, officialClient, person, startEmulator, STORES, wire, type Person } from './helpers/harness.js';

const failedPrecondition = (message: string) => wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', message);
const alreadyExists = (message: string) => wire(409, 'ALREADY_EXISTS', 'duplicate', message);

describe('student group rules', () => {
  const none = { owner: false, teacher: false, student: false, admin: false };
  const licensed = { verified_teacher: 1 as const };
  const unlicensed = { verified_teacher: 0 as const };

  it('teachers and domain admins read groups; students do not', () => {
    expect(checkGroupReader({ ...none, teacher: true })).toBeUndefined();
    expect(checkGroupReader({ ...none, admin: true })).toBeUndefined();
    expect(checkGroupReader({ ...none, student: true })?.code).toBe('PERMISSION_DENIED');
  });

  it('writers must teach or administer, and both they and the course owner need the licence', () => {
    expect(checkGroupWriter({ ...none, teacher: true }, licensed, licensed)).toBeUndefined();
    expect(checkGroupWriter({ ...none, admin: true }, licensed, licensed)).toBeUndefined();
    expect(checkGroupWriter({ ...none, student: true }, licensed, licensed)?.code).toBe('PERMISSION_DENIED');
    expect(checkGroupWriter({ ...none, teacher: true }, unlicensed, licensed)?.message).toMatch(/requesting user/);
    expect(checkGroupWriter({ ...none, teacher: true }, licensed, unlicensed)?.message).toMatch(/course owner/);
  });

  it('titles must not be blank; limits answer FAILED_PRECONDITION; members must be students', () => {
    expect(checkGroupTitle('Reds')).toBeUndefined();
    expect(checkGroupTitle('  ')?.fieldViolations?.[0]?.field).toBe('student_group.title');
    expect(checkGroupLimit(1, { courseStudentGroups: 2 })).toBeUndefined();
    expect(checkGroupLimit(2, { courseStudentGroups: 2 })?.code).toBe('FAILED_PRECONDITION');
    expect(checkGroupMemberLimit(2, { studentGroupMembers: 2 })?.code).toBe('FAILED_PRECONDITION');
    expect(checkGroupCandidate('STUDENT', 'x')).toBeUndefined();
    expect(checkGroupCandidate('TEACHER', 'x')?.code).toBe('NOT_FOUND');
    expect(checkGroupCandidate(undefined, 'x')?.code).toBe('NOT_FOUND');
  });
});

describe.each(STORES)('courses.studentGroups on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'groups.example', 3);
    await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: true });
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  const groups = async (id = courseId) => (await s.teacher.api.courses.studentGroups.list({ courseId: id })).data.studentGroups ?? [];
  const members = async (groupId: string, id = courseId) =>
    ((await s.teacher.api.courses.studentGroups.studentGroupMembers.list({ courseId: id, studentGroupId: groupId })).data.studentGroupMembers ?? []).map(
      (m) => m.userId,
    );

  it('a licensed teacher creates, lists, renames and deletes groups and their members', async () => {
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId, requestBody: { title: '  Reds ' } });
    expect(group).toEqual({ courseId, id: group.id, title: 'Reds' });
    expect(group.id).toMatch(/^\d+$/);
    expect(await groups()).toContainEqual(group);

    const api = s.teacher.api.courses.studentGroups.studentGroupMembers;
    const { data: member } = await api.create({ courseId, studentGroupId: group.id!, requestBody: { userId: s.students[0]!.email } });
    expect(member).toEqual({ courseId, studentGroupId: group.id, userId: s.students[0]!.id });
    await api.create({ courseId, studentGroupId: group.id!, requestBody: { userId: s.students[1]!.id } });
    expect(await members(group.id!)).toEqual([s.students[0]!.id, s.students[1]!.id]);

    const { data: renamed } = await s.teacher.api.courses.studentGroups.patch({ courseId, id: group.id!, updateMask: 'title', requestBody: { title: 'Crimson' } });
    expect(renamed).toEqual({ courseId, id: group.id, title: 'Crimson' });

    expect((await api.delete({ courseId, studentGroupId: group.id!, userId: s.students[0]!.email })).data).toEqual({});
    expect(await members(group.id!)).toEqual([s.students[1]!.id]);

    expect((await s.teacher.api.courses.studentGroups.delete({ courseId, id: group.id! })).data).toEqual({});
    expect((await groups()).map((g) => g.id)).not.toContain(group.id);
  });

  it('a domain admin manages groups too; pages follow the creation order', async () => {
    await emulator.admin.updateUser(s.admin.email, { verifiedTeacher: true });
    const c = await course(s, [], 'Paged groups');
    for (const title of ['A', 'B', 'C']) await s.admin.api.courses.studentGroups.create({ courseId: c, requestBody: { title } });
    const first = await s.admin.api.courses.studentGroups.list({ courseId: c, pageSize: 2 });
    expect(first.data.studentGroups?.map((g) => g.title)).toEqual(['A', 'B']);
    const second = await s.admin.api.courses.studentGroups.list({ courseId: c, pageSize: 2, pageToken: first.data.nextPageToken! });
    expect(second.data).toEqual({ studentGroups: [expect.objectContaining({ title: 'C' })] });
  });

  it('bad input is INVALID_ARGUMENT naming the field, and changes nothing', async () => {
    const before = await groups();
    const blank = await failure(s.teacher.api.courses.studentGroups.create({ courseId, requestBody: { title: ' ' } }));
    expect(blank.body).toEqual(invalid('A student group needs a title.', 'student_group.title'));
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId, requestBody: { title: 'Blues' } });
    const noMask = await failure(s.teacher.api.courses.studentGroups.patch({ courseId, id: group.id!, requestBody: { title: 'X' } }));
    expect(noMask.body).toEqual(invalid('An update mask is required: name the fields to change in updateMask.', 'update_mask'));
    const wrongMask = await failure(s.teacher.api.courses.studentGroups.patch({ courseId, id: group.id!, updateMask: 'courseId', requestBody: { courseId: '1' } }));
    expect(wrongMask.body).toEqual(invalid('The update mask names a field that cannot be changed: courseId.', 'update_mask'));
    const noUser = await failure(s.teacher.api.courses.studentGroups.studentGroupMembers.create({ courseId, studentGroupId: group.id!, requestBody: {} }));
    expect(noUser.body).toEqual(invalid('userId must name the student: a numeric id, an email address or "me".', 'student_group_member.user_id'));
    expect(await groups()).toEqual([...before, group]);
    expect(await members(group.id!)).toEqual([]);
  });

  it('NOT_FOUND for an unknown course, group, user or member, and for a user who is no student of the course', async () => {
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId, requestBody: { title: 'Greens' } });
    const api = s.teacher.api.courses.studentGroups;
    expect((await failure(api.list({ courseId: '999999999999' }))).body).toEqual(notFound('Requested entity was not found.'));
    expect((await failure(api.patch({ courseId, id: '1', updateMask: 'title', requestBody: { title: 'X' } }))).body).toEqual(notFound('Requested entity was not found.'));
    expect((await failure(api.delete({ courseId, id: '1' }))).body).toEqual(notFound('Requested entity was not found.'));
    expect((await failure(api.studentGroupMembers.list({ courseId, studentGroupId: '1' }))).body).toEqual(notFound('Requested entity was not found.'));
    const nobody = await failure(api.studentGroupMembers.create({ courseId, studentGroupId: group.id!, requestBody: { userId: 'nobody@groups.example' } }));
    expect(nobody.body).toEqual(notFound('No user nobody@groups.example exists.'));
    const teacher = await failure(api.studentGroupMembers.create({ courseId, studentGroupId: group.id!, requestBody: { userId: s.teacher.email } }));
    expect(teacher.body).toEqual(notFound(`${s.teacher.email} is not a student of this course.`));
    const notIn = await failure(api.studentGroupMembers.delete({ courseId, studentGroupId: group.id!, userId: s.students[2]!.email }));
    expect(notIn.body).toEqual(notFound(`${s.students[2]!.email} is not a member of this student group.`));
  });

  it('ALREADY_EXISTS when the student is already in the group', async () => {
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId, requestBody: { title: 'Pairs' } });
    const api = s.teacher.api.courses.studentGroups.studentGroupMembers;
    await api.create({ courseId, studentGroupId: group.id!, requestBody: { userId: s.students[0]!.email } });
    const again = await failure(api.create({ courseId, studentGroupId: group.id!, requestBody: { userId: s.students[0]!.id } }));
    expect(again.body).toEqual(alreadyExists(`${s.students[0]!.id} is already a member of this student group.`));
    expect(await members(group.id!)).toEqual([s.students[0]!.id]);
  });

  it('PERMISSION_DENIED for students, for unlicensed teachers and in a course whose owner is unlicensed; reads need no licence', async () => {
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId, requestBody: { title: 'Locked' } });
    const student = s.students[0]!;
    expect((await failure(student.api.courses.studentGroups.create({ courseId, requestBody: { title: 'Mine' } }))).body).toEqual(
      denied('Only teachers of the course and domain administrators can change its student groups.'),
    );
    expect((await failure(student.api.courses.studentGroups.list({ courseId }))).body).toEqual(
      denied('Only teachers of the course and domain administrators can read its student groups.'),
    );

    const coteacher = await person(emulator, 'coteacher@groups.example');
    await s.admin.api.courses.teachers.create({ courseId, requestBody: { userId: coteacher.email } });
    const unlicensed = await failure(coteacher.api.courses.studentGroups.patch({ courseId, id: group.id!, updateMask: 'title', requestBody: { title: 'Mine' } }));
    expect(unlicensed.body).toEqual(denied('The requesting user has no licence that allows student groups.'));
    expect((await coteacher.api.courses.studentGroups.list({ courseId })).data.studentGroups).toContainEqual(group);

    const other = await person(emulator, 'unlicensed-owner@groups.example');
    const { data: theirs } = await other.api.courses.create({ requestBody: { name: 'Theirs', ownerId: 'me', courseState: 'ACTIVE' } });
    await s.admin.api.courses.teachers.create({ courseId: theirs.id!, requestBody: { userId: s.teacher.email } });
    const ownerUnlicensed = await failure(s.teacher.api.courses.studentGroups.create({ courseId: theirs.id!, requestBody: { title: 'X' } }));
    expect(ownerUnlicensed.body).toEqual(denied('The course owner has no licence that allows student groups.'));
    expect(await groups()).toContainEqual(group);
  });

  it('needs classroom.rosters to write; classroom.rosters.readonly reads', async () => {
    const { accessToken } = await emulator.admin.mintToken({ user: s.teacher.email, scopes: ['classroom.rosters.readonly'] });
    const readonly = officialClient(emulator, accessToken);
    expect((await readonly.courses.studentGroups.list({ courseId })).status).toBe(200);
    const write = await failure(readonly.courses.studentGroups.create({ courseId, requestBody: { title: 'No' } }));
    expect(write.status).toBe(403);
    expect(write.error.code).toBe('InsufficientScopes');
  });

  it('FAILED_PRECONDITION at the group limit and at the member limit (limits set through the admin API)', async () => {
    const c = await course(s, s.students, 'Limited groups');
    await emulator.admin.setLimits({ courseStudentGroups: 1, studentGroupMembers: 1 });
    try {
      const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId: c, requestBody: { title: 'Only' } });
      const second = await failure(s.teacher.api.courses.studentGroups.create({ courseId: c, requestBody: { title: 'Second' } }));
      expect(second.body).toEqual(failedPrecondition('The course already has 1 student groups, the most it may have.'));
      const api = s.teacher.api.courses.studentGroups.studentGroupMembers;
      await api.create({ courseId: c, studentGroupId: group.id!, requestBody: { userId: s.students[0]!.email } });
      const full = await failure(api.create({ courseId: c, studentGroupId: group.id!, requestBody: { userId: s.students[1]!.email } }));
      expect(full.body).toEqual(failedPrecondition('The student group already has 1 members, the most it may have.'));
      expect((await groups(c)).map((g) => g.title)).toEqual(['Only']);
      expect(await members(group.id!, c)).toEqual([s.students[0]!.id]);
    } finally {
      await emulator.admin.setLimits({ courseStudentGroups: 200, studentGroupMembers: 1000 });
    }
  });

  it('racing member additions never exceed the member limit', async () => {
    const racers: Person[] = [];
    for (let i = 0; i < 8; i++) racers.push(await person(emulator, `racer${i}@groups.example`));
    const c = await course(s, racers, 'Race');
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId: c, requestBody: { title: 'Race' } });
    const LIMIT = 3;
    await emulator.admin.setLimits({ studentGroupMembers: LIMIT });
    try {
      const outcomes = await Promise.allSettled(
        racers.map((r) => s.teacher.api.courses.studentGroups.studentGroupMembers.create({ courseId: c, studentGroupId: group.id!, requestBody: { userId: r.id } })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(LIMIT);
      for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
        const { body } = await failure(Promise.reject((outcome as PromiseRejectedResult).reason));
        expect(body).toEqual(failedPrecondition(`The student group already has ${LIMIT} members, the most it may have.`));
      }
      expect(await members(group.id!, c)).toHaveLength(LIMIT);
    } finally {
      await emulator.admin.setLimits({ studentGroupMembers: 1000 });
    }
  });

  it('a student who leaves the course leaves its groups; a deleted course takes its groups along', async () => {
    const leaver = await person(emulator, 'leaver@groups.example');
    const c = await course(s, [s.students[0]!], 'Leaving');
    await enrol(s, c, leaver);
    const { data: group } = await s.teacher.api.courses.studentGroups.create({ courseId: c, requestBody: { title: 'Team' } });
    const api = s.teacher.api.courses.studentGroups.studentGroupMembers;
    for (const who of [s.students[0]!, leaver]) await api.create({ courseId: c, studentGroupId: group.id!, requestBody: { userId: who.id } });
    await leaver.api.courses.students.delete({ courseId: c, userId: 'me' });
    expect(await members(group.id!, c)).toEqual([s.students[0]!.id]);
    // Back in the course, the student is not back in the group.
    await enrol(s, c, leaver);
    expect(await members(group.id!, c)).toEqual([s.students[0]!.id]);

    await s.teacher.api.courses.patch({ id: c, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    await s.teacher.api.courses.delete({ id: c });
    const state = await emulator.admin.exportState();
    expect((state.tables.student_groups as { course_id: string }[]).filter((g) => g.course_id === c)).toEqual([]);
    expect((state.tables.student_group_members as { course_id: string }[]).filter((m) => m.course_id === c)).toEqual([]);
  });
});

describe.each(STORES)('student groups in fixtures and state exports on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  const D = 'group-fixtures.example';

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
  });
  afterAll(() => emulator.close());

  const FIXTURE = {
    users: [{ email: `t@${D}`, verifiedTeacher: true }, { email: `s1@${D}` }, { email: `s2@${D}` }],
    tokens: [{ user: `t@${D}`, token: 'group-fixture-teacher' }],
    courses: [
      {
        key: 'art',
        name: 'Art',
        subject: 'Arts',
        owner: `t@${D}`,
        students: [`s1@${D}`, `s2@${D}`],
        studentGroups: [{ id: '880000000001', title: 'Painters', students: [`s1@${D}`, `s2@${D}`] }, { title: 'Sculptors' }],
      },
    ],
  };

  it('a fixture carries a course subject and its student groups; members must be students of the course', async () => {
    const bad = await adminFailure(
      emulator.admin.loadFixture({ ...FIXTURE, courses: [{ ...FIXTURE.courses[0]!, studentGroups: [{ title: 'X', students: [`t@${D}`] }] }] }),
    );
    expect(bad.body).toEqual(invalid(`Invalid fixture: courses[0].studentGroups[0].students[0]: t@${D} is not a student of the course.`, 'courses[0].studentGroups[0].students[0]'));

    const summary = await emulator.admin.loadFixture(FIXTURE);
    expect(summary).toMatchObject({ courses: 1, studentGroups: 2, studentGroupMembers: 2 });
    const api = officialClient(emulator, 'group-fixture-teacher');
    const courseId = summary.courseIds.art!;
    expect((await api.courses.get({ id: courseId })).data.subject).toBe('Arts');
    const { data } = await api.courses.studentGroups.list({ courseId });
    expect(data.studentGroups?.map((g) => g.title).sort()).toEqual(['Painters', 'Sculptors']);
    const members = await api.courses.studentGroups.studentGroupMembers.list({ courseId, studentGroupId: '880000000001' });
    expect(members.data.studentGroupMembers).toHaveLength(2);

    const taken = await adminFailure(emulator.admin.loadFixture({ courses: [{ key: 'x', name: 'X', owner: `t@${D}`, studentGroups: [{ id: '880000000001', title: 'Again' }] }] }));
    expect(taken.body).toEqual(invalid('Invalid fixture: courses[0].studentGroups[0].id: the student group id 880000000001 is already taken.', 'courses[0].studentGroups[0].id'));
  });

  it('a state export and import carry groups and members', async () => {
    const state = await emulator.admin.exportState();
    expect(state.tables.student_groups).toHaveLength(2);
    expect(state.tables.student_group_members).toHaveLength(2);
    await emulator.admin.importState(state);
    const again = await emulator.admin.exportState();
    expect(again.tables.student_groups).toEqual(state.tables.student_groups);
    expect(again.tables.student_group_members).toEqual(state.tables.student_group_members);
  });
});
