import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, driveFile, inProject, projectDenied, school, type School } from './helpers/classwork-fixtures.js';
import { failure, startEmulator, STORES } from './helpers/harness.js';

describe.each(STORES)('courses.courseWorkMaterials on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'materials.example', 1);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  it('creates, lists by Drive file and link, patches and deletes a material', async () => {
    const handout = await driveFile(emulator, s.teacher, 'Handout');
    const { data: topic } = await s.teacher.api.courses.topics.create({ courseId, requestBody: { name: 'Reading' } });
    const { data } = await s.teacher.api.courses.courseWorkMaterials.create({
      courseId,
      requestBody: {
        title: 'Week 1 reading',
        description: 'Chapters 1-2',
        state: 'PUBLISHED',
        topicId: topic.topicId,
        materials: [{ driveFile: { driveFile: { id: handout.id } } }, { link: { url: 'https://example.org/ch1' } }],
      },
    });
    expect(data).toMatchObject({ title: 'Week 1 reading', description: 'Chapters 1-2', state: 'PUBLISHED', topicId: topic.topicId, assigneeMode: 'ALL_STUDENTS' });
    expect(data.materials?.[0]).toEqual({ driveFile: { driveFile: { id: handout.id, title: 'Handout', alternateLink: handout.alternateLink, thumbnailUrl: handout.thumbnailUrl }, shareMode: 'VIEW' } });
    expect(data.alternateLink).toMatch(/\/m\/\w+\/details$/);
    await s.teacher.api.courses.courseWorkMaterials.create({ courseId, requestBody: { title: 'Other', state: 'PUBLISHED' } });

    const byDrive = await s.students[0]!.api.courses.courseWorkMaterials.list({ courseId, materialDriveId: handout.id });
    expect(byDrive.data.courseWorkMaterial?.map((m) => m.id)).toEqual([data.id]);
    const byLink = await s.teacher.api.courses.courseWorkMaterials.list({ courseId, materialLink: 'https://example.org/ch1' });
    expect(byLink.data.courseWorkMaterial?.map((m) => m.id)).toEqual([data.id]);

    const patched = await s.teacher.api.courses.courseWorkMaterials.patch({ courseId, id: data.id!, updateMask: 'title,description,topic_id', requestBody: { title: 'Week 1' } });
    expect(patched.data).toMatchObject({ title: 'Week 1' });
    expect(patched.data.description).toBeUndefined();
    expect(patched.data.topicId).toBeUndefined();
    expect((await s.teacher.api.courses.courseWorkMaterials.delete({ courseId, id: data.id! })).data).toEqual({});
    expect((await failure(s.students[0]!.api.courses.courseWorkMaterials.get({ courseId, id: data.id! }))).status).toBe(404);
  });

  it('STUDENT_COPY is for course work only', async () => {
    const handout = await driveFile(emulator, s.teacher, 'Copy me');
    const { body } = await failure(
      s.teacher.api.courses.courseWorkMaterials.create({ courseId, requestBody: { title: 'Copies', materials: [{ driveFile: { driveFile: { id: handout.id }, shareMode: 'STUDENT_COPY' } }] } }),
    );
    expect(body.error.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'course_work_material.materials[0].drive_file.share_mode', description: 'STUDENT_COPY is only available for course work.' }],
      },
    ]);
  });

  it('ProjectPermissionDenied: another Cloud project cannot patch or delete the material', async () => {
    const { data } = await s.teacher.api.courses.courseWorkMaterials.create({ courseId, requestBody: { title: 'Ours' } });
    const other = await inProject(emulator, s.teacher, 'other-project');
    const patch = await failure(other.api.courses.courseWorkMaterials.patch({ courseId, id: data.id!, updateMask: 'title', requestBody: { title: 'Theirs' } }));
    expect(patch.body).toEqual(projectDenied('course work material'));
    expect((await failure(other.api.courses.courseWorkMaterials.delete({ courseId, id: data.id! }))).body).toEqual(projectDenied('course work material'));
    expect((await s.teacher.api.courses.courseWorkMaterials.get({ courseId, id: data.id! })).data).toEqual(data);
  });
});
