import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preview } from '../src/discovery/validate.js';
import { invalid, person, startEmulator, type Person } from './helpers/harness.js';

/** `[[[ … "x" … ]]]`, `depth` levels deep, as text: JSON.stringify itself could not build it. */
const nested = (depth: number, leaf = '"x"') => `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

describe('a wrong-typed field nested thousands of levels deep', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let teacher: Person;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    teacher = await person(emulator, 'teacher@deep.example');
    courseId = (await teacher.api.courses.create({ requestBody: { name: 'Deep', ownerId: 'me' } })).data.id!;
  });
  afterAll(() => emulator.close());

  const send = (method: string, path: string, body: string) =>
    fetch(`${emulator.url}${path}`, { method, headers: { authorization: `Bearer ${teacher.token}`, 'content-type': 'application/json' }, body });

  it.each([
    ['courses.create', 'POST', '/v1/courses', `{"name":${nested(5000)},"ownerId":"me"}`, 'course.name', 'TYPE_STRING'],
    ['courses.patch', 'PATCH', '/v1/courses/{id}?updateMask=name', `{"name":${nested(5000)}}`, 'course.name', 'TYPE_STRING'],
    ['courseWork.create', 'POST', '/v1/courses/{id}/courseWork', `{"title":${nested(5000)},"workType":"ASSIGNMENT"}`, 'course_work.title', 'TYPE_STRING'],
    ['courseWork.create (materials)', 'POST', '/v1/courses/{id}/courseWork', `{"title":"T","materials":${nested(5000, '{}')}}`, 'course_work.materials[0]', 'TYPE_MESSAGE'],
  ])('%s answers 400 naming the field', async (_name, method, path, body, field, kind) => {
    const response = await send(method, path.replace('{id}', courseId), body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(invalid(`Invalid value at '${field}' (${kind}), [[[[[...]]]]]`, field));
    const { data } = await teacher.api.courses.get({ id: courseId });
    expect(data.name).toBe('Deep');
  });

  it('an object nested as deep is cut the same way', async () => {
    const body = `{"name":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)},"ownerId":"me"}`;
    const response = await send('POST', '/v1/courses', body);
    expect(await response.json()).toEqual(invalid(`Invalid value at 'course.name' (TYPE_STRING), {"a":{"a":{"a":{"a":{...}}}}}`, 'course.name'));
  });
});

describe('preview', () => {
  it('writes small values exactly as JSON.stringify does', () => {
    for (const value of [5, 'text', true, null, [1, 'a'], { a: [1, { b: 2 }] }]) expect(preview(value)).toBe(JSON.stringify(value));
  });

  it('cuts long and wide values after about 100 characters without reading them whole', () => {
    expect(preview('x'.repeat(10_000))).toBe(`"${'x'.repeat(99)}...`);
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(preview(wide)).toHaveLength(103);
  });
});
