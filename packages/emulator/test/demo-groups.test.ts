import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, STORES } from './helpers/harness.js';
import { parseCurl } from './helpers/curl.js';

const DOC = new URL('../examples/demo-school.md', import.meta.url);

/** The curl lines of the demo school's "Student groups" table, in order. */
function groupCalls() {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('## Student groups');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  return section.split('\n').flatMap((row) => {
    const match = /^\| ([^|`]+) \| `(curl [^`]+)`/.exec(row);
    return match?.[1] && match[2] ? [{ what: match[1].trim(), ...parseCurl(match[2]) }] : [];
  });
}

describe.each(STORES)('the demo school shows a student group on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  const calls = groupCalls();

  beforeAll(async () => {
    emulator = await startEmulator({ store: options(), demo: true });
  });
  afterAll(() => emulator.close());

  const run = async (what: string) => {
    const call = calls.find((c) => c.what === what);
    expect(call, what).toBeDefined();
    const response = await fetch(call!.url.replace('$E', emulator.url), {
      method: call!.method,
      headers: call!.headers,
      ...(call!.body !== undefined ? { body: call!.body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('documents four calls, each run here', () => {
    expect(calls.map((c) => c.what)).toEqual([
      "list the course's groups",
      "list the group's members",
      'put Noah in the group',
      'a student may not read groups (403)',
    ]);
  });

  it('the documented calls answer as the table says, in order', async () => {
    const ava = (await emulator.admin.getUser('ava.chen@maplewood.example')).id;
    const noah = (await emulator.admin.getUser('noah.patel@maplewood.example')).id;
    const list = await run("list the course's groups");
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ studentGroups: [{ courseId: expect.stringMatching(/^\d+$/), id: '700000000001', title: 'Reading circle' }] });
    const courseId = (list.body.studentGroups as { courseId: string }[])[0]!.courseId;
    const members = await run("list the group's members");
    expect(members.body).toEqual({ studentGroupMembers: [{ courseId, studentGroupId: '700000000001', userId: ava }] });
    const added = await run('put Noah in the group');
    expect(added).toEqual({ status: 200, body: { courseId, studentGroupId: '700000000001', userId: noah } });
    const student = await run('a student may not read groups (403)');
    expect(student.status).toBe(403);
  });

  it('the demo course carries its subject', async () => {
    const response = await fetch(`${emulator.url}/v1/courses/d:welcome`, { headers: { authorization: 'Bearer demo-student' } });
    expect(((await response.json()) as { subject?: string }).subject).toBe('Homeroom');
  });
});
