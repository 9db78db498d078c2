import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryDocument, discoveryMethods, type DiscoverySchema } from '../src/discovery/document.js';
import { course, driveFile, FORM, school, type School } from './helpers/classwork-fixtures.js';
import { startEmulator, STORES } from './helpers/harness.js';

type JsonSchema = Record<string, unknown>;

/**
 * Converts a discovery schema to JSON Schema. Objects are closed (`additionalProperties: false`)
 * unless the discovery document declares a map, so an extra or misspelt field fails validation.
 */
function toJsonSchema(schema: DiscoverySchema | Record<string, unknown>): JsonSchema {
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') return { $ref: `#/definitions/${s.$ref}` };
  switch (s.type) {
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>).map(([name, value]) => [name, toJsonSchema(value)]),
      );
      const extra = s.additionalProperties as Record<string, unknown> | undefined;
      return { type: 'object', properties, additionalProperties: extra ? toJsonSchema(extra) : false };
    }
    case 'array':
      return { type: 'array', items: toJsonSchema((s.items ?? {}) as Record<string, unknown>) };
    case 'string': {
      const out: JsonSchema = { type: 'string' };
      if (Array.isArray(s.enum)) out.enum = s.enum;
      if (s.format === 'google-datetime') out.pattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
      if (s.format === 'int64') out.pattern = '^-?\\d+$';
      return out;
    }
    case 'integer':
      return { type: 'integer' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    default:
      return {};
  }
}

const doc = discoveryDocument();
const definitions = Object.fromEntries(Object.entries(doc.schemas as Record<string, DiscoverySchema>).map(([name, schema]) => [name, toJsonSchema(schema)]));
const ajv = new Ajv({ strict: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();
const responseOf = new Map(discoveryMethods().map((m) => [m.id, m.response?.$ref]));

/** Validates a response against its method's response schema; returns the errors, empty when it holds. */
function check(methodId: string, body: unknown): string[] {
  const ref = responseOf.get(methodId);
  if (!ref) throw new Error(`no response schema for ${methodId}`);
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `#/definitions/${ref}`, definitions });
    validators.set(ref, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${methodId}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

describe('the schema converter', () => {
  it('rejects an extra or misspelt field and a wrong enum value', () => {
    expect(check('classroom.courses.topics.get', { courseId: '1', topicId: '2', name: 'x', updateTime: '2026-01-01T00:00:00.000Z' })).toEqual([]);
    expect(check('classroom.courses.topics.get', { courseId: '1', topicID: '2' })).not.toEqual([]);
    expect(check('classroom.courses.courseWork.get', { state: 'OPEN' })).not.toEqual([]);
  });
});

describe.each(STORES)('classwork responses match the discovery schemas on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let s: School;
  const seen: { method: string; body: unknown }[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    s = await school(emulator, 'schemas.example', 2);
  });
  afterAll(() => emulator.close());

  /** Records a response for validation and returns its data. */
  async function record<T>(method: string, call: Promise<{ data: T }>): Promise<T> {
    const { data } = await call;
    seen.push({ method: `classroom.${method}`, body: data });
    return data;
  }

  it('every classwork method, as teacher and as student', async () => {
    const [ada, bob] = s.students as [School['students'][0], School['students'][0]];
    const t = s.teacher.api.courses;
    const a = ada.api.courses;
    const courseId = await course(s);
    await record('courses.get', t.get({ id: courseId }));
    await record('courses.get', a.get({ id: courseId }));
    await record('courses.list', t.list({}));
    await record('courses.list', a.list({}));

    const topic = await record('courses.topics.create', t.topics.create({ courseId, requestBody: { name: 'Unit 1' } }));
    await record('courses.topics.get', a.topics.get({ courseId, id: topic.topicId! }));
    await record('courses.topics.list', t.topics.list({ courseId }));
    await record('courses.topics.patch', t.topics.patch({ courseId, id: topic.topicId!, updateMask: 'name', requestBody: { name: 'Unit one' } }));

    const doc = await driveFile(emulator, s.teacher, 'Worksheet');
    const form = await driveFile(emulator, s.teacher, 'Quiz', FORM);
    const materials = [
      { driveFile: { driveFile: { id: doc.id }, shareMode: 'EDIT' } },
      { form: { formUrl: `https://docs.google.com/forms/d/${form.id}/viewform` } },
      { link: { url: 'https://example.org' } },
      { youtubeVideo: { id: 'abcdefghijk' } },
    ];
    const work = await record(
      'courses.courseWork.create',
      t.courseWork.create({
        courseId,
        requestBody: {
          title: 'Essay',
          description: 'Write',
          workType: 'ASSIGNMENT',
          state: 'PUBLISHED',
          maxPoints: 50,
          topicId: topic.topicId,
          dueDate: { year: 2099, month: 1, day: 1 },
          dueTime: { hours: 10, minutes: 30 },
          materials,
        },
      }),
    );
    const question = await record(
      'courses.courseWork.create',
      t.courseWork.create({ courseId, requestBody: { title: 'Q', workType: 'MULTIPLE_CHOICE_QUESTION', state: 'PUBLISHED', multipleChoiceQuestion: { choices: ['A', 'B'] } } }),
    );
    await record('courses.courseWork.create', t.courseWork.create({ courseId, requestBody: { title: 'Later', workType: 'SHORT_ANSWER_QUESTION', scheduledTime: '2099-01-01T00:00:00Z' } }));
    await record('courses.courseWork.get', t.courseWork.get({ courseId, id: work.id! }));
    await record('courses.courseWork.get', a.courseWork.get({ courseId, id: work.id! }));
    await record('courses.courseWork.list', t.courseWork.list({ courseId, courseWorkStates: ['PUBLISHED', 'DRAFT'] }));
    await record('courses.courseWork.list', a.courseWork.list({ courseId }));
    await record('courses.courseWork.patch', t.courseWork.patch({ courseId, id: work.id!, updateMask: 'title', requestBody: { title: 'Essay 2' } }));
    await record(
      'courses.courseWork.modifyAssignees',
      t.courseWork.modifyAssignees({ courseId, id: question.id!, requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [ada.id] } } }),
    );

    const ss = (x: typeof a) => x.courseWork.studentSubmissions;
    await record('courses.courseWork.studentSubmissions.list', ss(t).list({ courseId, courseWorkId: '-' }));
    const mine = await record('courses.courseWork.studentSubmissions.list', ss(a).list({ courseId, courseWorkId: work.id! }));
    const ref = { courseId, courseWorkId: work.id!, id: mine.studentSubmissions![0]!.id! };
    const file = await driveFile(emulator, ada, 'Answer');
    await record(
      'courses.courseWork.studentSubmissions.modifyAttachments',
      ss(a).modifyAttachments({ ...ref, requestBody: { addAttachments: [{ driveFile: { id: file.id } }, { link: { url: 'https://example.org/x' } }, { youTubeVideo: { id: 'zyxwvutsrqp' } }] } }),
    );
    await record('courses.courseWork.studentSubmissions.turnIn', ss(a).turnIn(ref));
    await record('courses.courseWork.studentSubmissions.patch', ss(t).patch({ ...ref, updateMask: 'draftGrade,assignedGrade', requestBody: { draftGrade: 40, assignedGrade: 45.5 } }));
    await record('courses.courseWork.studentSubmissions.return', ss(t).return(ref));
    await record('courses.courseWork.studentSubmissions.get', ss(t).get(ref));
    await record('courses.courseWork.studentSubmissions.get', ss(a).get(ref));
    const mc = (await ss(a).list({ courseId, courseWorkId: question.id! })).data.studentSubmissions![0]!;
    await record(
      'courses.courseWork.studentSubmissions.patch',
      ss(a).patch({ courseId, courseWorkId: question.id!, id: mc.id!, updateMask: 'multipleChoiceSubmission', requestBody: { multipleChoiceSubmission: { answer: 'A' } } }),
    );
    await record('courses.courseWork.studentSubmissions.reclaim', ss(bob.api.courses).list({ courseId, courseWorkId: work.id! }).then(async (r) => {
      const sub = { courseId, courseWorkId: work.id!, id: r.data.studentSubmissions![0]!.id! };
      await ss(bob.api.courses).turnIn(sub);
      return ss(bob.api.courses).reclaim(sub);
    }));

    await emulator.admin.updateUser(s.teacher.email, { verifiedTeacher: true });
    const rubricRef = { courseId, courseWorkId: work.id! };
    const rubric = await record(
      'courses.courseWork.rubrics.create',
      t.courseWork.rubrics.create({ ...rubricRef, requestBody: { criteria: [{ title: 'Depth', description: 'How deep', levels: [{ title: 'Deep', description: 'Very', points: 2 }, { title: 'Shallow', points: 0 }] }] } }),
    );
    await record('courses.courseWork.rubrics.get', a.courseWork.rubrics.get({ ...rubricRef, id: rubric.id! }));
    await record('courses.courseWork.rubrics.list', a.courseWork.rubrics.list(rubricRef));
    await record('courses.courseWork.rubrics.patch', t.courseWork.rubrics.patch({ ...rubricRef, id: rubric.id!, updateMask: 'criteria', requestBody: { criteria: rubric.criteria } }));
    await record('courses.courseWork.updateRubric', t.courseWork.updateRubric({ ...rubricRef, updateMask: 'criteria', requestBody: { criteria: rubric.criteria } }));
    await record('courses.courseWork.rubrics.delete', t.courseWork.rubrics.delete({ ...rubricRef, id: rubric.id! }));

    const material = await record('courses.courseWorkMaterials.create', t.courseWorkMaterials.create({ courseId, requestBody: { title: 'Handout', state: 'PUBLISHED', materials: materials.slice(0, 3) } }));
    await record('courses.courseWorkMaterials.get', a.courseWorkMaterials.get({ courseId, id: material.id! }));
    await record('courses.courseWorkMaterials.list', t.courseWorkMaterials.list({ courseId }));
    await record('courses.courseWorkMaterials.patch', t.courseWorkMaterials.patch({ courseId, id: material.id!, updateMask: 'description', requestBody: { description: 'Read it' } }));

    const post = await record('courses.announcements.create', t.announcements.create({ courseId, requestBody: { text: 'Hello', state: 'PUBLISHED', materials: materials.slice(2) } }));
    await record('courses.announcements.get', a.announcements.get({ courseId, id: post.id! }));
    await record('courses.announcements.list', t.announcements.list({ courseId }));
    await record('courses.announcements.patch', t.announcements.patch({ courseId, id: post.id!, updateMask: 'text', requestBody: { text: 'Hello again' } }));
    await record(
      'courses.announcements.modifyAssignees',
      t.announcements.modifyAssignees({ courseId, id: post.id!, requestBody: { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: [bob.id] } } }),
    );

    await record('courses.announcements.delete', t.announcements.delete({ courseId, id: post.id! }));
    await record('courses.courseWorkMaterials.delete', t.courseWorkMaterials.delete({ courseId, id: material.id! }));
    await record('courses.courseWork.delete', t.courseWork.delete({ courseId, id: question.id! }));
    await record('courses.topics.delete', t.topics.delete({ courseId, id: topic.topicId! }));

    const errors = seen.flatMap(({ method, body }) => check(method, body));
    expect(errors).toEqual([]);
    const covered = new Set(seen.map((x) => x.method));
    const classwork = discoveryMethods()
      .map((m) => m.id)
      .filter((id) => /^classroom\.courses\.(topics|courseWork|courseWorkMaterials|announcements)\./.test(id) && !/addOnAttachments|getAddOnContext/i.test(id));
    expect(classwork.filter((id) => !covered.has(id))).toEqual([]);
  });
});
