import { explain } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCourseDetails, Emulator } from '../src/index.js';
import { RequestBodyLog } from '../src/platform/request-bodies.js';
import { adminFailure, failure, invalid, notFound, officialClient, startEmulator } from './helpers/harness.js';

/** The admin endpoints the console is built on: course details, the request stream, one request explained, quota windows. */
describe('inspection endpoints', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ demo: true });
  });
  afterAll(() => emulator?.close());

  it('GET /courses/{id}/details: roster, invitations, course work with each submission and its grades', async () => {
    const teacher = officialClient(emulator, 'demo-teacher');
    const work = await teacher.courses.courseWork.create({ courseId: 'd:welcome', requestBody: { title: 'Fractions', workType: 'ASSIGNMENT', state: 'PUBLISHED', maxPoints: 10 } });
    const list = await teacher.courses.courseWork.studentSubmissions.list({ courseId: 'd:welcome', courseWorkId: work.data.id ?? '' });
    const submission = list.data.studentSubmissions?.[0];
    await teacher.courses.courseWork.studentSubmissions.patch({
      courseId: 'd:welcome', courseWorkId: work.data.id ?? '', id: submission?.id ?? '', updateMask: 'draftGrade', requestBody: { draftGrade: 7.5 },
    });
    const course = (await emulator.admin.courses()).courses.find((c) => c.aliases.includes('d:welcome'));
    const details: AdminCourseDetails = await emulator.admin.courseDetails(course?.id ?? '');
    expect(details.teachers).toEqual([expect.objectContaining({ email: 'maria.lopez@maplewood.example', owner: true })]);
    expect(details.students.map((s) => s.email).sort()).toEqual(['ava.chen@maplewood.example', 'noah.patel@maplewood.example']);
    const shown = details.courseWork.find((w) => w.id === work.data.id);
    expect(shown).toMatchObject({ title: 'Fractions', state: 'PUBLISHED', maxPoints: 10 });
    expect(shown?.submissions).toHaveLength(2);
    expect(shown?.submissions.find((s) => s.id === submission?.id)).toMatchObject({ draftGrade: 7.5, assignedGrade: null, state: 'NEW' });
    expect(await adminFailure(emulator.admin.courseDetails('404404'))).toEqual({ status: 404, body: notFound('No course 404404.') });
  });

  it('GET /requests/{id}: the query, both bodies and the error explained in the asked language', async () => {
    const teacher = officialClient(emulator, 'demo-teacher');
    await failure(teacher.courses.patch({ id: 'd:history-archived', updateMask: 'name', requestBody: { name: 'History II' } }));
    const record = (await emulator.admin.requests({ method: 'classroom.courses.patch', limit: 1 })).requests[0];
    const detail = await emulator.admin.requestDetail(record?.id ?? '', 'de');
    expect(detail.request).toEqual(record);
    expect(detail.bodies?.query).toBe('updateMask=name');
    expect(JSON.parse(detail.bodies?.request ?? '')).toEqual({ name: 'History II' });
    expect(JSON.parse(detail.bodies?.response ?? '').error.status).toBe('FAILED_PRECONDITION');
    const de = explain('CourseNotModifiable', 'de');
    expect(detail.error).toMatchObject({
      code: 'CourseNotModifiable',
      httpStatus: 400,
      retry: 'never',
      resolvedBy: ['app', 'user'],
      explanation: { lang: 'de', title: de.title, cause: de.cause, action: de.action },
      decision: { action: 'fix', resolver: 'app' },
      fix: { method: 'classroom.courses.patch' },
    });
    const ok = (await emulator.admin.requests({ status: 200, limit: 1 })).requests[0];
    expect((await emulator.admin.requestDetail(ok?.id ?? '')).error).toBeUndefined();

    expect(await adminFailure(emulator.admin.requestDetail('x1'))).toEqual({ status: 400, body: invalid('"x1" is not a request id (r<n>).', 'id') });
    expect((await adminFailure(emulator.admin.requestDetail('r999999'))).status).toBe(404);
    expect((await adminFailure(emulator.admin.requestDetail(record?.id ?? '', 'fr'))).body?.error.status).toBe('INVALID_ARGUMENT');
  });

  it('GET /requests:stream: replays after a cursor, then sends each new request as it is answered', async () => {
    const before = (await emulator.admin.requests({ limit: 1 })).requests[0]?.id ?? 'r0';
    const controller = new AbortController();
    const response = await fetch(emulator.admin.requestStreamUrl({ after: before, code: 'CourseMemberLimitReached' }), { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    let text = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}`);
        text += new TextDecoder().decode(value);
      }
    };
    await until(/retry: 1000/);
    const admin = officialClient(emulator, 'demo-admin');
    await officialClient(emulator, 'demo-teacher').courses.list({});
    await failure(admin.courses.students.create({ courseId: 'd:full', requestBody: { userId: 'ava.chen@maplewood.example' } }));
    await until(/event: request\ndata: .*\n\n/);
    const events = [...text.matchAll(/id: (r\d+)\nevent: request\ndata: (.*)\n\n/g)];
    // The filter let only the refused join through, not the list call.
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.[2] ?? '')).toMatchObject({ id: events[0]?.[1], method: 'classroom.courses.students.create', status: 400, code: 'CourseMemberLimitReached' });
    controller.abort();
  });

  it('GET /quota:windows: each project window once, and each user within a project', async () => {
    await officialClient(emulator, 'demo-student').courses.list({});
    const { windows } = await emulator.admin.quotaWindows();
    expect(windows).toContainEqual(expect.objectContaining({ project: 'maplewood-app', quotaLimit: 'DefaultPerMinutePerProject', limit: 3000 }));
    expect(windows).toContainEqual(expect.objectContaining({ project: 'maplewood-app', user: 'ava.chen@maplewood.example', quotaLimit: 'DefaultPerMinutePerUser', used: expect.any(Number) }));
    expect(windows.filter((w) => w.quotaLimit === 'DefaultPerMinutePerProject' && w.project === 'maplewood-app')).toHaveLength(1);
  });

  it('closes while a stream is open', async () => {
    const other = await startEmulator();
    const response = await fetch(other.admin.requestStreamUrl());
    const reader = response.body!.getReader();
    await reader.read();
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await reader.read()).done).toBe(true);
  });

  it('serves the console: GET / leads there, its pages are not logged, an unknown page is a Google NOT_FOUND', async () => {
    const root = await fetch(`${emulator.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    await root.arrayBuffer();
    await emulator.admin.clearRequests();
    const page = await fetch(`${emulator.url}/console/requests`);
    expect(page.status).toBe(200);
    await page.arrayBuffer();
    const unknown = await fetch(`${emulator.url}/console/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual(notFound('Nothing is served at GET /console/nothing-here.'));
    expect((await emulator.admin.requests()).requests).toEqual([]);
  });
});

describe('RequestBodyLog', () => {
  it('keeps the newest requests only, and cuts long bodies', () => {
    const log = new RequestBodyLog(2, 5);
    log.keep('r1', { request: '{"a":1}', response: 'ok' });
    log.keep('r2', { query: 'x=1', response: Buffer.from('fine') });
    log.keep('r3', { request: '', response: { stream: true } });
    expect(log.get('r1')).toBeUndefined();
    expect(log.get('r2')).toEqual({ query: 'x=1', response: 'fine' });
    expect(log.get('r3')).toEqual({});
    log.keep('r4', { request: '0123456789' });
    expect(log.get('r4')).toEqual({ request: '01234', truncated: true });
    log.clear();
    expect(log.get('r4')).toBeUndefined();
  });
});
