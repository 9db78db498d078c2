import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCurl } from './helpers/curl.js';
import { startEmulator } from './helpers/harness.js';

/*
 * The two packages are coupled by data: the error bodies the emulator produces are recorded in
 * packages/errors/test/fixtures/wire/, and classroom-errors' own tests classify those recordings. This
 * file runs the demo school's documented calls exactly as examples/demo-school.md writes them, checks
 * each answers its code, and compares the body with the recording, so the docs, the emulator and the
 * library cannot drift apart. `CLASSROOM_RECORD_WIRE=1 npm test` re-records after a deliberate change.
 */

const DOC = new URL('../examples/demo-school.md', import.meta.url);
const FIXTURES = new URL('../../errors/test/fixtures/wire/', import.meta.url);
const RECORD = process.env.CLASSROOM_RECORD_WIRE === '1';

interface DocumentedCall {
  code: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The rows of the "One call to each error" table, as fetch arguments. */
function documentedCalls(): DocumentedCall[] {
  const text = readFileSync(DOC, 'utf8');
  const section = text.slice(text.indexOf('## One call to each error'));
  const calls: DocumentedCall[] = [];
  for (const row of section.split('\n')) {
    const match = /^\| `(\w+)` \| `(curl [^`]+)`/.exec(row);
    if (!match?.[1] || !match[2]) continue;
    const call: DocumentedCall = { code: match[1], ...parseCurl(match[2]) };
    calls.push(call);
  }
  return calls;
}

describe('the demo school documentation, the emulator and the recorded wire bodies agree', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  const calls = documentedCalls();

  beforeAll(async () => {
    // The ownership transfer the table relies on must still be running when its row is reached, with
    // exactly its whole duration left: the clock is frozen from the start, not after seeding (which can
    // take over a second on a loaded machine).
    emulator = await startEmulator({ demo: true, frozenAt: Date.parse('2026-09-07T08:00:00Z') });
  });
  afterAll(() => emulator?.close());

  it('documents a call for every specification code the demo school holds', () => {
    expect(calls.map((c) => c.code)).toEqual(
      expect.arrayContaining([
        'CourseNotModifiable', 'PendingInvitationExists', 'CourseMemberLimitReached', 'CourseTeacherLimitReached',
        'UserGroupsMembershipLimitReached', 'CannotRemoveCourseFolderOwner', 'CannotRemoveCourseOwner',
        'CannotRemoveCourseOwnerTransferIncomplete', 'CannotRemoveTeacherWithNoCourseOwner', 'InactiveCourseOwner',
        'IneligibleOwner', 'UserCannotOwnCourse', 'MissingGrant', 'UserCourseJoinRateLimitReached',
      ]),
    );
  });

  it.each(calls.map((c) => [c.code, c] as const))('%s: the documented call answers it, as recorded', async (code, call) => {
    const response = await fetch(call.url.replace('$E', emulator.url), {
      method: call.method,
      headers: call.headers,
      ...(call.body !== undefined ? { body: call.body } : {}),
    });
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(body.error.message.startsWith(`@${code} `), body.error.message).toBe(true);
    expect(response.status).toBe(body.error.code);
    compareWithRecording(code, response.status, body);
  });

  /** Codes outside the demo table, provoked through the admin API the way a user of the emulator would. */
  const classroom = (token: string, method: string, path: string, body?: unknown) =>
    fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const admin = <T>(method: string, path: string, body?: unknown) => emulator.admin.request<T>(method, path, body);
  async function teacherEmail(): Promise<string> {
    const me = (await (await classroom('demo-teacher', 'GET', '/v1/userProfiles/me')).json()) as { emailAddress: string };
    return me.emailAddress;
  }
  async function answer(code: string, response: Response): Promise<void> {
    const body = (await response.json()) as { error: { code: number; message: string } };
    expect(response.status, JSON.stringify(body)).toBe(body.error.code);
    compareWithRecording(code, response.status, body);
  }

  it('AttachmentNotVisible: course work pointing at a Drive file nobody shared with the teacher', async () => {
    const file = await admin<{ id: string }>('POST', '/drive/files', {
      title: 'Answer key', mimeType: 'application/vnd.google-apps.document', owner: 'drive-owner@contract.example',
    }).catch(async () => {
      await emulator.admin.createUser({ email: 'drive-owner@contract.example' });
      return admin<{ id: string }>('POST', '/drive/files', { title: 'Answer key', mimeType: 'application/vnd.google-apps.document', owner: 'drive-owner@contract.example' });
    });
    await answer('AttachmentNotVisible', await classroom('demo-teacher', 'POST', '/v1/courses/d:welcome/courseWork', {
      title: 'Quiz', workType: 'ASSIGNMENT', state: 'PUBLISHED',
      materials: [{ driveFile: { driveFile: { id: file.id }, shareMode: 'VIEW' } }],
    }));
  });

  it('ProjectPermissionDenied: another Cloud project edits course work it did not create', async () => {
    const created = (await (await classroom('demo-teacher', 'POST', '/v1/courses/d:welcome/courseWork', {
      title: 'Essay', workType: 'ASSIGNMENT', state: 'PUBLISHED',
    })).json()) as { id: string };
    const other = await emulator.admin.mintToken({ user: await teacherEmail(), project: 'another-lms' });
    await answer('ProjectPermissionDenied', await classroom(other.accessToken, 'PATCH', `/v1/courses/d:welcome/courseWork/${created.id}?updateMask=title`, { title: 'Essay (edited)' }));
  });

  it('INTERNAL: a scripted fault', async () => {
    await admin('POST', '/faults', { method: 'classroom.courses.get', instructions: ['return-500'] });
    await answer('INTERNAL', await classroom('demo-teacher', 'GET', '/v1/courses/d:welcome'));
  });

  it.each([
    ['ProjectRateLimitExceeded', { projectQueriesPerMinute: 1 }],
    ['UserRateLimitExceeded', { userQueriesPerMinute: 1 }],
    ['DailyLimitExceeded', { projectQueriesPerDay: 1 }],
  ] as const)('%s: the second call over a quota of one', async (code, limits) => {
    const defaults = await admin<Record<string, number>>('GET', '/limits:defaults');
    const user = await teacherEmail();
    await admin('PATCH', '/limits', { ...defaults, ...limits });
    try {
      const { accessToken } = await emulator.admin.mintToken({ user, project: `quota-${code.toLowerCase()}` });
      expect((await classroom(accessToken, 'GET', '/v1/courses/d:welcome')).status).toBe(200);
      await answer(code, await classroom(accessToken, 'GET', '/v1/courses/d:welcome'));
    } finally {
      await admin('PATCH', '/limits', defaults);
      await emulator.admin.advanceClock(86_400);
    }
  });

  function compareWithRecording(code: string, httpStatus: number, body: unknown): void {
    const file = new URL(`${code}.json`, FIXTURES);
    if (RECORD || !existsSync(file)) {
      if (!RECORD) throw new Error(`no recording for ${code}: run CLASSROOM_RECORD_WIRE=1 npm test once and commit the file`);
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(file, `${JSON.stringify({ httpStatus, body }, null, 2)}\n`);
    }
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { httpStatus: number; body: unknown };
    expect({ httpStatus, body }).toEqual(recorded);
  }
});
