import { CATALOG, ClassroomApiError, decide, explain, isErrorCode, LANGUAGES, parseError } from 'classroom-errors';
import type { Env } from '../env.js';
import { fail, invalidArgument } from '../failure.js';
import type { Platform } from '../platform/platform.js';
import type { RequestLogListener, RequestRecord } from '../platform/request-log.js';
import type { Repos } from '../store/repos.js';
import type { ClassworkItemRow, StudentSubmissionRow } from '../store/classwork-repos.js';
import type { UserRow } from '../store/schema.js';
import { endpoint, type AdminEndpoint } from './endpoint.js';

/**
 * Endpoints that let a person look inside the running emulator — a course with everything in it, the
 * request log as a live stream, one request with its bodies and its error explained, every quota window
 * in use. The web console is built on them (and on the rest of the admin API); curl and scripts can use
 * them the same way.
 */

const str = { type: 'string' } as const;
const LANG = { enum: [...LANGUAGES], description: 'Language of the error explanation (default en).' } as const;
const REQUEST_QUERY = { type: 'object', additionalProperties: false, properties: { lang: LANG } } as const;
const STREAM_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'string', pattern: '^r?[0-9]{1,15}$', description: 'Replay the kept requests after this id (r<n>) first; the Last-Event-ID header wins over it.' },
    method: str,
    status: { type: 'string', pattern: '^[0-9]{1,3}$' },
    code: str,
    testId: str,
  },
} as const;

/** Hundredths of a point (how grades are stored) → points. */
const points = (hundredths: number | null) => (hundredths === null ? null : hundredths / 100);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function personView(id: string, users: Map<string, UserRow>) {
  const user = users.get(id);
  return {
    id,
    email: user?.email ?? null,
    name: user ? [user.given_name, user.family_name].filter(Boolean).join(' ') : null,
    state: user?.state ?? null,
  };
}

/** Drive file ids named anywhere in materials or attachments (`{driveFile: {id}}` at any depth). */
function driveIds(json: string, into: Set<string>): void {
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'driveFile' && inner && typeof inner === 'object' && typeof (inner as { id?: unknown }).id === 'string') into.add((inner as { id: string }).id);
        walk(inner);
      }
    }
  };
  try {
    walk(JSON.parse(json));
  } catch {
    // A stored column that is not JSON names no files.
  }
}

function submissionView(row: StudentSubmissionRow, users: Map<string, UserRow>) {
  const attachments: unknown[] = (() => {
    try {
      return JSON.parse(row.attachments) as unknown[];
    } catch {
      return [];
    }
  })();
  return {
    id: row.id,
    student: personView(row.user_id, users),
    state: row.state,
    draftGrade: points(row.draft_grade),
    assignedGrade: points(row.assigned_grade),
    releasedGrade: points(row.released_grade),
    turnedInTime: iso(row.turned_in_at),
    returnedTime: iso(row.returned_at),
    attachments: attachments.length,
    updateTime: iso(row.update_time),
  };
}

function courseWorkView(row: ClassworkItemRow, submissions: StudentSubmissionRow[], users: Map<string, UserRow>, now: number) {
  return {
    id: row.id,
    title: row.title ?? '',
    state: row.state,
    workType: row.work_type,
    maxPoints: points(row.max_points),
    dueTime: iso(row.due_at),
    overdue: row.due_at !== null && row.due_at < now,
    assigneeMode: row.assignee_mode,
    materials: (() => {
      try {
        return (JSON.parse(row.materials) as unknown[]).length;
      } catch {
        return 0;
      }
    })(),
    creationTime: iso(row.creation_time),
    submissions: submissions.map((s) => submissionView(s, users)),
  };
}

/** Everything in one course, for a person looking at it. */
async function courseDetails(env: Env, repos: Repos, courseId: string) {
  const course = await repos.courses.byId(courseId);
  if (!course) fail('NOT_FOUND', `No course ${courseId}.`);
  const all = { offset: 0, limit: 1_000_000 };
  const [teachers, students, invitations, topics, work, announcements, materials] = await Promise.all([
    repos.members.list(courseId, 'TEACHER', all),
    repos.members.list(courseId, 'STUDENT', all),
    repos.invitations.list({ courseId }, all),
    repos.classwork.topics(courseId, all),
    repos.classwork.items(courseId, 'COURSE_WORK'),
    repos.classwork.items(courseId, 'ANNOUNCEMENT'),
    repos.classwork.items(courseId, 'MATERIAL'),
  ]);
  const submissions = await repos.classwork.submissions(work.map((w) => w.id));
  const users = await repos.users.byIds([
    ...teachers.map((m) => m.user_id),
    ...students.map((m) => m.user_id),
    ...invitations.map((i) => i.user_id),
    ...submissions.map((s) => s.user_id),
  ]);
  const ids = new Set<string>();
  for (const item of [...work, ...announcements, ...materials]) driveIds(item.materials, ids);
  for (const submission of submissions) driveIds(submission.attachments, ids);
  const files = await repos.drive.byIds([...ids]);
  const now = env.clock.now();
  const byWork = new Map<string, StudentSubmissionRow[]>();
  for (const s of submissions) (byWork.get(s.course_work_id) ?? byWork.set(s.course_work_id, []).get(s.course_work_id))?.push(s);
  return {
    teachers: teachers.map((m) => ({ ...personView(m.user_id, users), owner: m.user_id === course.owner_id, joinTime: iso(m.created_at) })),
    students: students.map((m) => ({ ...personView(m.user_id, users), joinTime: iso(m.created_at) })),
    invitations: invitations.map((i) => ({ id: i.id, role: i.role, user: personView(i.user_id, users), createTime: iso(i.created_at) })),
    topics: topics.map((t) => ({ id: t.id, name: t.name })),
    courseWork: work.map((w) => courseWorkView(w, byWork.get(w.id) ?? [], users, now)),
    announcements: announcements.length,
    courseWorkMaterials: materials.length,
    driveFiles: [...ids].map((id) => {
      const file = files.get(id);
      // A file deleted from Drive after it was attached: the material keeps what it captured.
      return file ? { id, title: file.title, mimeType: file.mime_type, owner: file.owner_email, exists: true } : { id, title: null, mimeType: null, owner: null, exists: false };
    }),
  };
}

/** A request's error: the catalog's facts, the explanation in a language and what a client should do. */
function errorView(record: RequestRecord, responseBody: string | undefined, lang: string, now: number) {
  if (record.status < 400 && record.status !== 0) return undefined;
  let error: ClassroomApiError | undefined;
  if (responseBody !== undefined) error = parseError(responseBody);
  else if (record.code !== undefined && isErrorCode(record.code)) {
    const entry = CATALOG[record.code];
    error = new ClassroomApiError({ code: record.code, httpStatus: record.status, status: entry.status, message: record.code });
  }
  if (!error) return undefined;
  const entry = error.entry;
  const text = explain(error, lang);
  // A fixed jitter draw, so that the same request always reads the same.
  const decision = decide(error, { attempt: 1 }, { random: () => 0.5, now: () => now });
  return {
    code: error.code,
    known: error.known,
    httpStatus: entry.httpStatus,
    status: entry.status,
    inSpecification: entry.inSpecification,
    resolvedBy: entry.resolvedBy,
    retry: entry.retry,
    ...(entry.waitSeconds !== undefined ? { waitSeconds: entry.waitSeconds } : {}),
    ...(entry.fix ? { fix: entry.fix } : {}),
    message: error.detail,
    explanation: { lang: text.lang, title: text.title, cause: text.cause, action: text.action },
    decision: {
      action: decision.action,
      resolver: decision.resolver,
      why: decision.why,
      ...('delayMs' in decision ? { delayMs: decision.delayMs } : {}),
    },
  };
}

function matches(record: RequestRecord, query: { method?: string; status?: string; code?: string; testId?: string }): boolean {
  return (
    (!query.method || record.method === query.method) &&
    (!query.status || record.status === Number(query.status)) &&
    (!query.code || record.code === query.code) &&
    (!query.testId || record.testId === query.testId)
  );
}

/** Seconds between keep-alive comments on an idle stream, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * The inspection endpoints: `GET /courses/{id}/details`, `GET /requests:stream` (server-sent events),
 * `GET /requests/{id}` and `GET /quota:windows`.
 *
 * @example
 * ```ts
 * // curl -N http://127.0.0.1:8085/emulator/v1/requests:stream
 * // id: r12
 * // event: request
 * // data: {"id":"r12","method":"classroom.courses.patch","status":400,"code":"CourseNotModifiable",…}
 * ```
 */
export function inspectEndpoints(env: Env, platform: Platform | undefined): AdminEndpoint[] {
  const table: AdminEndpoint[] = [
    endpoint({
      method: 'GET', path: '/courses/{id}/details', tag: 'courses', params: { id: 'The numeric course id.' },
      summary: 'Everything in one course: teachers, students, invitations, topics, course work with each submission\'s state and grades, and the Drive files attached.',
      response: '{teachers, students, invitations, topics, courseWork: [{…, submissions}], announcements, courseWorkMaterials, driveFiles}',
      handle: async ({ params }) => courseDetails(env, env.store.read, params.id ?? ''),
    }),
  ];
  if (!platform) return table;
  return [
    ...table,
    endpoint<Record<string, never>, { after?: string; method?: string; status?: string; code?: string; testId?: string }>({
      method: 'GET', path: '/requests:stream', tag: 'platform', query: STREAM_QUERY, produces: 'text/event-stream',
      summary: 'The request log as server-sent events: one `request` event per answered request (id r<n>), live; filters method, status, code, testId.',
      response: 'text/event-stream of `request` events whose data is a request log record.',
      handle: async ({ request, reply, query }) => {
        const lastEventId = request.headers['last-event-id'];
        const resume = typeof lastEventId === 'string' && /^r?\d{1,15}$/.test(lastEventId) ? lastEventId : query.after;
        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          // A stream is never followed by another request on its connection; closing it with the stream
          // means a closing emulator is not left waiting for an idle keep-alive connection to time out.
          connection: 'close',
          // Tells buffering proxies (nginx) to pass events through as they come.
          'x-accel-buffering': 'no',
        });
        const send = (record: RequestRecord) => {
          if (matches(record, query)) raw.write(`id: ${record.id}\nevent: request\ndata: ${JSON.stringify(record)}\n\n`);
        };
        // A browser reconnects by itself after a dropped stream; a second is soon enough.
        raw.write('retry: 1000\n\n');
        if (resume !== undefined) platform.log.after(Number(resume.replace(/^r/, ''))).forEach(send);
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        let unsubscribe = () => {};
        const stop = () => {
          clearInterval(heartbeat);
          unsubscribe();
        };
        const listener: RequestLogListener = {
          record: send,
          end: () => {
            stop();
            raw.end(() => raw.destroy());
          },
        };
        unsubscribe = platform.log.subscribe(listener);
        reply.raw.on('close', stop);
        return reply;
      },
    }),
    endpoint<Record<string, never>, { lang?: string }>({
      method: 'GET', path: '/requests/{id}', tag: 'platform', query: REQUEST_QUERY, params: { id: 'A request log id, r<n>.' },
      summary: 'One logged request with its query, request and response bodies (the newest 300 keep theirs) and, for a failure, its error explained by classroom-errors: cause, action, who resolves it, whether to retry.',
      response: '{request, bodies?, error?: {code, httpStatus, status, resolvedBy, retry, explanation: {title, cause, action}, decision}}',
      handle: async ({ params, query }) => {
        const id = params.id ?? '';
        if (!/^r\d{1,15}$/.test(id)) invalidArgument(`"${id}" is not a request id (r<n>).`, 'id');
        const record = platform.log.byId(id);
        if (!record) fail('NOT_FOUND', `No request ${id} in the log (it keeps the newest ${platform.log.capacity}).`);
        const bodies = platform.bodies.get(id);
        const error = errorView(record, bodies?.response, query.lang ?? 'en', env.clock.now());
        return { request: record, ...(bodies ? { bodies } : {}), ...(error ? { error } : {}) };
      },
    }),
    endpoint({
      method: 'GET', path: '/quota:windows', tag: 'platform',
      summary: "How full every quota window is, for each project and each user-in-project that this process's request log has seen.",
      response: '{windows: [{project, user?, quotaLimit, used, limit}]}',
      handle: async () => {
        await env.sync();
        const callers = new Map<string, { user: string; project: string }>();
        for (const record of platform.log.query({ limit: Number.MAX_SAFE_INTEGER }).requests) {
          if (record.user && record.project) callers.set(`${record.project} ${record.user}`, { user: record.user, project: record.project });
        }
        const repos = env.store.read;
        const users = await repos.users.byEmails([...new Set([...callers.values()].map((c) => c.user))]);
        const windows = new Map<string, { project: string; user?: string; quotaLimit: string; used: number; limit: number }>();
        for (const caller of callers.values()) {
          const user = users.get(caller.user);
          const project = await repos.identity.project(caller.project);
          if (!user || !project) continue;
          for (const usage of await platform.quota.usage({ user, project })) {
            // The two per-project meters are shared by every user of the project: list them once.
            const perUser = usage.quotaLimit === 'DefaultPerMinutePerUser';
            windows.set(usage.key, { project: caller.project, ...(perUser ? { user: caller.user } : {}), quotaLimit: usage.quotaLimit, used: usage.used, limit: usage.limit });
          }
        }
        return { windows: [...windows.values()] };
      },
    }),
  ];
}
