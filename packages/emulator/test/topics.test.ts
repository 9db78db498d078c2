import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { course, precondition, school, type School } from './helpers/classwork-fixtures.js';
import { failure, startEmulator, STORES, wireBody } from './helpers/harness.js';

describe.each(STORES)('courses.topics on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'topics.example', 1);
    courseId = await course(s);
  });
  afterAll(() => emulator.close());

  const names = async (id = courseId) => ((await s.teacher.api.courses.topics.list({ courseId: id })).data.topic ?? []).map((t) => t.name);

  it('creates topics with normalised names; students read them', async () => {
    const { data } = await s.teacher.api.courses.topics.create({ courseId, requestBody: { name: '  Unit   1:  Forces ' } });
    expect(data).toEqual({ courseId, topicId: data.topicId, name: 'Unit 1: Forces', updateTime: data.updateTime });
    expect(data.topicId).toMatch(/^\d+$/);
    const got = await s.students[0]!.api.courses.topics.get({ courseId, id: data.topicId! });
    expect(got.data).toEqual(data);
    expect(await names()).toContain('Unit 1: Forces');
  });

  it('ALREADY_EXISTS for a duplicate name (case-sensitive), FAILED_PRECONDITION when a rename collides', async () => {
    const c = await course(s, [], 'Topics dup');
    const { data: first } = await s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'Waves' } });
    const dup = await failure(s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'Waves' } }));
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual(wireBody('ALREADY_EXISTS', 'ALREADY_EXISTS', 409, 'duplicate', 'The course already has a topic named "Waves".'));
    const { data: other } = await s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'waves' } });
    const rename = await failure(s.teacher.api.courses.topics.patch({ courseId: c, id: other.topicId!, updateMask: 'name', requestBody: { name: 'Waves' } }));
    expect(rename.body).toEqual(wireBody('FAILED_PRECONDITION', 'FAILED_PRECONDITION', 400, 'failedPrecondition', 'The course already has a topic named "Waves".'));
    expect((await names(c)).sort()).toEqual(['Waves', 'waves']);
    const renamed = await s.teacher.api.courses.topics.patch({ courseId: c, id: first.topicId!, updateMask: 'name', requestBody: { name: 'Optics' } });
    expect(renamed.data.name).toBe('Optics');
  });

  it('CourseTopicLimitReached when the course has as many topics as the limit allows', async () => {
    const c = await course(s, [], 'Topics limit');
    await emulator.admin.setLimits({ courseTopics: 2 });
    try {
      await s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'One' } });
      await s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'Two' } });
      const { status, body } = await failure(s.teacher.api.courses.topics.create({ courseId: c, requestBody: { name: 'Three' } }));
      expect(status).toBe(400);
      expect(body).toEqual(precondition('CourseTopicLimitReached', 'The course already has 2 topics, the most it may have.'));
      expect((await names(c)).sort()).toEqual(['One', 'Two']);
    } finally {
      await emulator.admin.setLimits({ courseTopics: 1000 });
    }
  });

  it('students cannot create topics; an empty name is INVALID_ARGUMENT', async () => {
    const student = await failure(s.students[0]!.api.courses.topics.create({ courseId, requestBody: { name: 'Mine' } }));
    expect(student.body).toEqual(wireBody('PERMISSION_DENIED', 'PERMISSION_DENIED', 403, 'forbidden', 'Only teachers of the course can create topics.'));
    const empty = await failure(s.teacher.api.courses.topics.create({ courseId, requestBody: { name: '   ' } }));
    expect(empty.body.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'topic.name', description: 'A topic needs a name.' }] },
    ]);
  });

  it('deleting a topic detaches the work filed under it', async () => {
    const { data: topic } = await s.teacher.api.courses.topics.create({ courseId, requestBody: { name: 'Temporary' } });
    const { data: work } = await s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Filed', workType: 'ASSIGNMENT', topicId: topic.topicId } });
    expect(work.topicId).toBe(topic.topicId);
    expect((await s.teacher.api.courses.topics.delete({ courseId, id: topic.topicId! })).data).toEqual({});
    expect((await s.teacher.api.courses.courseWork.get({ courseId, id: work.id! })).data.topicId).toBeUndefined();
    const gone = await failure(s.teacher.api.courses.topics.get({ courseId, id: topic.topicId! }));
    expect(gone.body).toEqual(wireBody('NOT_FOUND', 'NOT_FOUND', 404, 'notFound', 'Requested entity was not found.'));
    const unknown = await failure(s.teacher.api.courses.courseWork.create({ courseId, requestBody: { title: 'Lost', workType: 'ASSIGNMENT', topicId: topic.topicId } }));
    expect(unknown.body.error.message).toBe(`The course has no topic ${topic.topicId}.`);
  });
});
