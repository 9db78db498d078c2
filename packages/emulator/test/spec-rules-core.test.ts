import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCourseTexts } from '../src/rules/courses.js';
import { checkTopicName } from '../src/rules/classwork.js';
import { course, school, type School } from './helpers/classwork-fixtures.js';
import { failure, invalid, officialClient, startEmulator, STORES } from './helpers/harness.js';

// Rules of spec-rules/*.yaml that the older test files did not already prove. Each test title here is
// cited by a rule; test/spec-rules.test.ts checks the citations.

describe('documented text limits, as rules', () => {
  it('course text fields stop at the lengths the Course schema gives', () => {
    expect(checkCourseTexts({ name: 'x'.repeat(750), section: 'x'.repeat(2800), room: 'x'.repeat(650) })).toBeUndefined();
    expect(checkCourseTexts({ descriptionHeading: 'x'.repeat(3600), description: 'x'.repeat(30000) })).toBeUndefined();
    expect(checkCourseTexts({ name: 'x'.repeat(751) })?.fieldViolations?.[0]?.field).toBe('course.name');
    expect(checkCourseTexts({ section: 'x'.repeat(2801) })?.fieldViolations?.[0]?.field).toBe('course.section');
    expect(checkCourseTexts({ descriptionHeading: 'x'.repeat(3601) })?.fieldViolations?.[0]?.field).toBe('course.description_heading');
    expect(checkCourseTexts({ description: 'x'.repeat(30001) })?.fieldViolations?.[0]?.field).toBe('course.description');
    expect(checkCourseTexts({ room: 'x'.repeat(651) })?.fieldViolations?.[0]?.field).toBe('course.room');
    // Characters, not UTF-16 units: 650 emoji fit in a room.
    expect(checkCourseTexts({ room: '🏫'.repeat(650) })).toBeUndefined();
  });

  it('a topic name has at most 100 characters after whitespace is collapsed', () => {
    expect(checkTopicName(`  ${'a'.repeat(100)}  `)).toBeUndefined();
    expect(checkTopicName('a '.repeat(50))).toBeUndefined();
    expect(checkTopicName('a'.repeat(101))?.fieldViolations?.[0]?.field).toBe('topic.name');
  });
});

describe.each(STORES)('documented rules of the core surface on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'rules.example', 1);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  it('Course.subject is stored, returned, patched by its mask and cleared by update', async () => {
    const { data } = await s.teacher.api.courses.create({ requestBody: { name: 'Biology', subject: 'Science', ownerId: 'me', courseState: 'ACTIVE' } });
    expect(data.subject).toBe('Science');
    expect((await s.teacher.api.courses.get({ id: data.id! })).data.subject).toBe('Science');
    const patched = await s.teacher.api.courses.patch({ id: data.id!, updateMask: 'subject', requestBody: { subject: 'Life sciences', name: 'ignored' } });
    expect(patched.data).toMatchObject({ subject: 'Life sciences', name: 'Biology' });
    const updated = await s.teacher.api.courses.update({ id: data.id!, requestBody: { name: 'Biology', courseState: 'ACTIVE' } });
    expect(updated.data.subject).toBeUndefined();
  });

  it('course text longer than the schema allows is INVALID_ARGUMENT naming the field, on create and patch', async () => {
    const create = await failure(s.teacher.api.courses.create({ requestBody: { name: 'Ok', room: 'r'.repeat(651), ownerId: 'me' } }));
    expect(create.body).toEqual(invalid('The course room is longer than 650 characters.', 'course.room'));
    const name = await failure(s.teacher.api.courses.create({ requestBody: { name: 'n'.repeat(751), ownerId: 'me' } }));
    expect(name.body).toEqual(invalid('The course name is longer than 750 characters.', 'course.name'));
    const patch = await failure(s.teacher.api.courses.patch({ id: courseId, updateMask: 'section', requestBody: { section: 's'.repeat(2801) } }));
    expect(patch.body).toEqual(invalid('The course section is longer than 2800 characters.', 'course.section'));
    const heading = await failure(s.teacher.api.courses.patch({ id: courseId, updateMask: 'descriptionHeading', requestBody: { descriptionHeading: 'h'.repeat(3601) } }));
    expect(heading.body).toEqual(invalid('The course descriptionHeading is longer than 3600 characters.', 'course.description_heading'));
    expect((await s.teacher.api.courses.get({ id: courseId })).data.section).toBeUndefined();
  });

  it('a topic name longer than 100 characters is INVALID_ARGUMENT', async () => {
    const { body } = await failure(s.teacher.api.courses.topics.create({ courseId, requestBody: { name: 't'.repeat(101) } }));
    expect(body).toEqual(invalid('A topic name may have at most 100 characters.', 'topic.name'));
    expect((await s.teacher.api.courses.topics.list({ courseId })).data.topic).toBeUndefined();
  });

  it('maxPoints must be a whole number, on create and on patch', async () => {
    const create = await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Essay', workType: 'ASSIGNMENT', maxPoints: 1.5 } }));
    expect(create.body).toEqual(invalid('maxPoints must be a whole number of points, zero or more.', 'course_work.max_points'));
    const { data } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Essay', workType: 'ASSIGNMENT', maxPoints: 10 } });
    const patch = await failure(s.teacher.api.courses.courseWork.patch({ courseId, id: data.id!, updateMask: 'maxPoints', requestBody: { maxPoints: 2.5 } }));
    expect(patch.body).toEqual(invalid('maxPoints must be a whole number of points, zero or more.', 'course_work.max_points'));
    expect((await s.teacher.api.courses.courseWork.get({ courseId, id: data.id! })).data.maxPoints).toBe(10);
  });

  it('photoUrl is present only with the classroom.profile.photos scope', async () => {
    const withPhotos = await emulator.admin.mintToken({ user: s.teacher.email, scopes: ['classroom.rosters.readonly', 'classroom.profile.photos'] });
    const without = await emulator.admin.mintToken({ user: s.teacher.email, scopes: ['classroom.rosters.readonly'] });
    const student = s.students[0]!;
    const seen = await officialClient(emulator, withPhotos.accessToken).courses.students.get({ courseId, userId: student.id });
    expect(seen.data.profile?.photoUrl).toBe(`//lh3.googleusercontent.com/a/emulator-${student.id}`);
    const hidden = await officialClient(emulator, without.accessToken).courses.students.get({ courseId, userId: student.id });
    expect(hidden.data.profile).not.toHaveProperty('photoUrl');
    expect(hidden.data.profile).not.toHaveProperty('emailAddress');
    const teachers = await officialClient(emulator, without.accessToken).courses.teachers.list({ courseId });
    for (const teacher of teachers.data.teachers ?? []) expect(teacher.profile).not.toHaveProperty('photoUrl');
  });
  it('teacherFolder and enrollmentCode show to teachers and admins, never to students', async () => {
    const student = s.students[0]!;
    const teacherView = (await s.teacher.api.courses.get({ id: courseId })).data;
    expect(teacherView.teacherFolder?.id).toMatch(/^0B/);
    expect(teacherView.enrollmentCode).toMatch(/^\w+$/);
    expect((await s.admin.api.courses.get({ id: courseId })).data.teacherFolder).toEqual(teacherView.teacherFolder);
    const studentView = (await student.api.courses.get({ id: courseId })).data;
    expect(studentView).not.toHaveProperty('teacherFolder');
    expect(studentView).not.toHaveProperty('enrollmentCode');
  });

  it('grades are rounded to two decimals; a negative grade is INVALID_ARGUMENT', async () => {
    const { data: work } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Quiz', workType: 'ASSIGNMENT', maxPoints: 10, state: 'PUBLISHED' } });
    const subs = s.teacher.api.courses.courseWork.studentSubmissions;
    const { data: list } = await subs.list({ courseId, courseWorkId: work.id! });
    const id = list.studentSubmissions![0]!.id!;
    const { data } = await subs.patch({ courseId, courseWorkId: work.id!, id, updateMask: 'draftGrade,assignedGrade', requestBody: { draftGrade: 7.234, assignedGrade: 7.235 } });
    expect(data).toMatchObject({ draftGrade: 7.23, assignedGrade: 7.24 });
    const negative = await failure(subs.patch({ courseId, courseWorkId: work.id!, id, updateMask: 'assignedGrade', requestBody: { assignedGrade: -0.5 } }));
    expect(negative.status).toBe(400);
    expect((await subs.get({ courseId, courseWorkId: work.id!, id })).data.assignedGrade).toBe(7.24);
  });
  it('classwork lengths and field combinations the schemas state are INVALID_ARGUMENT and create nothing', async () => {
    const work = s.teacher.api.courses.courseWork;
    const bad = async (promise: Promise<unknown>, message: string) => {
      const { status, body } = await failure(promise);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ status: 'INVALID_ARGUMENT', message });
    };
    const before = (await work.list({ courseId, courseWorkStates: ['DRAFT', 'PUBLISHED'] })).data.courseWork?.length ?? 0;
    await bad(work.create({ courseId, requestBody: { title: 't'.repeat(3001), workType: 'ASSIGNMENT' } }), 'The title is longer than 3000 characters.');
    await bad(
      work.create({ courseId, requestBody: { title: 'Pick', workType: 'ASSIGNMENT', multipleChoiceQuestion: { choices: ['a', 'b'] } } }),
      'multipleChoiceQuestion is only for MULTIPLE_CHOICE_QUESTION work.',
    );
    await bad(s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'a'.repeat(30001) } }), 'The text is longer than 30000 characters.');
    expect((await work.list({ courseId, courseWorkStates: ['DRAFT', 'PUBLISHED'] })).data.courseWork?.length ?? 0).toBe(before);
    const { data } = await work.create({ courseId, requestBody: { title: 'Assigned', workType: 'ASSIGNMENT' } });
    await bad(
      work.modifyAssignees({ courseId, id: data.id!, requestBody: { assigneeMode: 'ALL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [s.students[0]!.id] } } }),
      'Individual students can only be changed with INDIVIDUAL_STUDENTS.',
    );
  });
  it('grading periods of a course need distinct titles', async () => {
    await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: true });
    const period = (title: string, month: number) => ({ title, startDate: { year: 2027, month, day: 1 }, endDate: { year: 2027, month, day: 20 } });
    const { body } = await failure(
      s.teacher.api.courses.updateGradingPeriodSettings({ courseId, updateMask: 'gradingPeriods', requestBody: { gradingPeriods: [period('Term', 1), period(' Term ', 3)] } }),
    );
    expect(body).toEqual(invalid('Grading period 2 repeats the title "Term".', 'grading_periods[1].title'));
    expect((await s.teacher.api.courses.getGradingPeriodSettings({ courseId })).data).toEqual({});
    const ok = await s.teacher.api.courses.updateGradingPeriodSettings({ courseId, updateMask: 'gradingPeriods', requestBody: { gradingPeriods: [period('Term 1', 1), period('Term 2', 3)] } });
    expect(ok.data.gradingPeriods?.map((p) => p.title)).toEqual(['Term 1', 'Term 2']);
  });
});
