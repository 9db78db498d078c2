import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySelection, parseFields } from '../src/http/fields.js';
import { failure, invalid, person, type Person, startEmulator } from './helpers/harness.js';

describe('partial responses (fields)', () => {
  it('parses nesting, groups and wildcards', () => {
    const selection = parseFields('courses(id,name),nextPageToken,teacherFolder/id');
    const value = {
      courses: [{ id: '1', name: 'A', room: 'x' }, { id: '2', name: 'B', section: 'y' }],
      nextPageToken: 't',
      teacherFolder: { id: 'f', title: 'T' },
      other: 1,
    };
    expect(applySelection(value, selection)).toEqual({
      courses: [{ id: '1', name: 'A' }, { id: '2', name: 'B' }],
      nextPageToken: 't',
      teacherFolder: { id: 'f' },
    });
    expect(applySelection({ a: { b: 1, c: 2 } }, parseFields('a/*'))).toEqual({ a: { b: 1, c: 2 } });
  });

  it('rejects malformed selectors', () => {
    for (const bad of ['courses(id', 'a,,b', '(x)', 'a)b']) expect(() => parseFields(bad), bad).toThrow();
  });

  describe('through the official client', () => {
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    let teacher: Person;
    beforeAll(async () => {
      emulator = await startEmulator();
      teacher = await person(emulator, 'teacher@fields.example');
      await teacher.api.courses.create({ requestBody: { name: 'Chemistry', room: '12', ownerId: 'me' } });
    });
    afterAll(() => emulator.close());

    it('returns only the selected fields', async () => {
      const { data } = await teacher.api.courses.list({ fields: 'courses(id,name)' });
      expect(data.courses).toHaveLength(1);
      expect(Object.keys(data.courses![0]!).sort()).toEqual(['id', 'name']);
    });

    it('answers INVALID_ARGUMENT for a malformed selector and changes nothing', async () => {
      const { status, body } = await failure(
        teacher.api.courses.create({ fields: 'id(', requestBody: { name: 'Never', ownerId: 'me' } }),
      );
      const message = 'Invalid field selection "id(" at position 3.';
      expect(status).toBe(400);
      expect(body).toEqual(invalid(message, 'fields'));
      const { data } = await teacher.api.courses.list({});
      expect(data.courses?.map((c) => c.name)).toEqual(['Chemistry']);
    });
  });
});
