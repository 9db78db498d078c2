import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, inProject, projectDenied, school, type School } from './helpers/classwork-fixtures.js';
import { failure, startEmulator, STORES, wireBody } from './helpers/harness.js';

describe.each(STORES)('courses.announcements on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'announcements.example', 2);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  it('posts, reads, patches and deletes an announcement', async () => {
    const { data } = await s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'Field trip on Friday', state: 'PUBLISHED' } });
    expect(data).toEqual({
      courseId,
      id: data.id,
      text: 'Field trip on Friday',
      state: 'PUBLISHED',
      alternateLink: data.alternateLink,
      creationTime: data.creationTime,
      updateTime: data.updateTime,
      assigneeMode: 'ALL_STUDENTS',
      creatorUserId: s.teacher.id,
    });
    expect(data.alternateLink).toMatch(/^https:\/\/classroom\.google\.com\/c\/\w+\/p\/\w+$/);
    const seen = await s.students[0]!.api.courses.announcements.get({ courseId, id: data.id! });
    expect(seen.data).toEqual(data);
    const patched = await s.teacher.api.courses.announcements.patch({ courseId, id: data.id!, updateMask: 'text', requestBody: { text: 'Field trip moved to Monday' } });
    expect(patched.data.text).toBe('Field trip moved to Monday');
    const badMask = await failure(s.teacher.api.courses.announcements.patch({ courseId, id: data.id!, updateMask: 'materials', requestBody: {} }));
    expect(badMask.body.error.message).toBe('The update mask names a field that cannot be changed: materials.');
    expect((await s.teacher.api.courses.announcements.delete({ courseId, id: data.id! })).data).toEqual({});
    expect((await failure(s.students[0]!.api.courses.announcements.get({ courseId, id: data.id! }))).status).toBe(404);
  });

  it('drafts stay hidden from students; an announcement needs text', async () => {
    const { data: draft } = await s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'Not yet' } });
    expect(draft.state).toBe('DRAFT');
    expect(draft.alternateLink).toBeUndefined();
    const listed = await s.students[0]!.api.courses.announcements.list({ courseId, announcementStates: ['DRAFT'] });
    expect(listed.data).toEqual({});
    const teacherDrafts = await s.teacher.api.courses.announcements.list({ courseId, announcementStates: ['DRAFT'] });
    expect(teacherDrafts.data.announcements?.map((a) => a.id)).toEqual([draft.id]);
    const empty = await failure(s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: '' } }));
    expect(empty.body.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'announcement.text', description: 'An announcement needs text.' }] },
    ]);
  });

  it('modifyAssignees limits an announcement to chosen students', async () => {
    const [ada, bob] = s.students as [School['students'][0], School['students'][0]];
    const { data } = await s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'For Ada', state: 'PUBLISHED' } });
    const narrowed = await s.teacher.api.courses.announcements.modifyAssignees({
      courseId,
      id: data.id!,
      requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [ada.id] } },
    });
    expect(narrowed.data.individualStudentsOptions).toEqual({ studentIds: [ada.id] });
    expect((await ada.api.courses.announcements.get({ courseId, id: data.id! })).data.text).toBe('For Ada');
    expect((await failure(bob.api.courses.announcements.get({ courseId, id: data.id! }))).status).toBe(404);
    const stranger = await failure(
      s.teacher.api.courses.announcements.modifyAssignees({
        courseId,
        id: data.id!,
        requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [s.teacher.id] } },
      }),
    );
    expect(stranger.body.error.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'modify_individual_students_options.add_student_ids[0]', description: `${s.teacher.id} is not a student of the course.` }],
      },
    ]);
  });

  it('ProjectPermissionDenied: another Cloud project cannot patch or delete the announcement', async () => {
    const { data } = await s.teacher.api.courses.announcements.create({ courseId, requestBody: { text: 'Ours', state: 'PUBLISHED' } });
    const other = await inProject(emulator, s.teacher, 'other-project');
    const patch = await failure(other.api.courses.announcements.patch({ courseId, id: data.id!, updateMask: 'text', requestBody: { text: 'Theirs' } }));
    expect(patch.body).toEqual(projectDenied('announcement'));
    const del = await failure(other.api.courses.announcements.delete({ courseId, id: data.id! }));
    expect(del.body).toEqual(projectDenied('announcement'));
    expect((await s.teacher.api.courses.announcements.get({ courseId, id: data.id! })).data).toEqual(data);
  });

  it('students cannot post announcements', async () => {
    const { body } = await failure(s.students[0]!.api.courses.announcements.create({ courseId, requestBody: { text: 'Hi all' } }));
    expect(body).toEqual(wireBody('PERMISSION_DENIED', 'PERMISSION_DENIED', 403, 'forbidden', 'Only teachers of the course can create announcements.'));
  });
});
