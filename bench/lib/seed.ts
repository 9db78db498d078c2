/** Seeding a running emulator over HTTP: the admin API for users and tokens, the Classroom API for the rest. */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
    where: string,
  ) {
    super(`${where}: HTTP ${status} ${text.slice(0, 300)}`);
  }
}

export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base.replace(/\/$/, '')}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(response.status, text, `${method} ${path}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export const admin = <T = Record<string, unknown>>(base: string, method: string, path: string, body?: unknown) =>
  call<T>(base, method, `/emulator/v1${path}`, body);

export async function user(
  base: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const created = await admin<{ id: string }>(base, 'POST', '/users', { email, ...extra });
  const { accessToken } = await admin<{ accessToken: string }>(base, 'POST', '/tokens', { user: email });
  return { id: created.id, token: accessToken };
}

/** Sets every quota high enough that a load test measures the server, not the quota. */
export async function unlimited(base: string): Promise<void> {
  await admin(base, 'PATCH', '/limits', {
    projectQueriesPerMinute: 1_000_000_000,
    userQueriesPerMinute: 1_000_000_000,
    projectQueriesPerDay: 2_000_000_000,
  });
}

export interface SeededCourse {
  courseId: string;
  teacherToken: string;
  adminToken: string;
  students: number;
  /** How the roster was made, or why it could not be. */
  via: string;
  /** False when the emulator cannot (yet) add students. */
  rosterOk: boolean;
}

/**
 * Creates a teacher, a domain admin, an ACTIVE course and `students` students in it, in one
 * `POST /emulator/v1/fixtures` when the emulator has it; otherwise with admin users and
 * courses.students.create by the domain admin. `tag` keeps emails unique.
 */
export async function seedCourse(base: string, tag: string, students: number): Promise<SeededCourse> {
  const teacher = `teacher.${tag}@bench.school`;
  const adminEmail = `admin.${tag}@bench.school`;
  const studentEmails = Array.from({ length: students }, (_, i) => `s${i}.${tag}@bench.school`);
  const fixture = {
    users: [
      { email: teacher, name: 'Bench Teacher', canCreateCourses: true },
      { email: adminEmail, name: 'Bench Admin', admin: true },
      ...studentEmails.map((email, i) => ({ email, name: `Student ${i}`, canCreateCourses: false })),
    ],
    tokens: [
      { user: teacher, token: `bench-${tag}-teacher` },
      { user: adminEmail, token: `bench-${tag}-admin` },
    ],
    courses: [
      { key: tag, name: `Bench ${tag}`, section: 'Period 1', owner: teacher, state: 'ACTIVE', students: studentEmails },
    ],
  };
  try {
    const summary = await admin<{ courseIds: Record<string, string>; members: number }>(
      base,
      'POST',
      '/fixtures',
      fixture,
    );
    return {
      courseId: summary.courseIds[tag]!,
      teacherToken: `bench-${tag}-teacher`,
      adminToken: `bench-${tag}-admin`,
      students,
      via: 'POST /emulator/v1/fixtures',
      rosterOk: true,
    };
  } catch (e) {
    if (!(e instanceof HttpError) || e.status !== 404) throw e;
  }
  return seedCourseByApi(base, tag, students);
}

/** The same through the admin API and the Classroom API, for an emulator without fixtures. */
async function seedCourseByApi(base: string, tag: string, students: number): Promise<SeededCourse> {
  const teacherToken = (
    await user(base, `teacher.${tag}@bench.school`, { name: 'Bench Teacher', canCreateCourses: true })
  ).token;
  const adminToken = (await user(base, `admin.${tag}@bench.school`, { name: 'Bench Admin', admin: true })).token;
  const course = await call<{ id: string }>(
    base,
    'POST',
    '/v1/courses',
    { name: `Bench ${tag}`, section: 'Period 1', ownerId: 'me', courseState: 'ACTIVE' },
    teacherToken,
  );
  let added = 0;
  let via = 'admin users + courses.students.create (domain admin)';
  try {
    const batch = 16;
    for (let start = 0; start < students; start += batch) {
      const chunk = Array.from({ length: Math.min(batch, students - start) }, (_, i) => start + i);
      await Promise.all(
        chunk.map(async (i) => {
          const email = `s${i}.${tag}@bench.school`;
          await admin(base, 'POST', '/users', { email, name: `Student ${i}` });
          await call(base, 'POST', `/v1/courses/${course.id}/students`, { userId: email }, adminToken);
          added++;
        }),
      );
    }
  } catch (e) {
    via = `roster could not be seeded: ${(e as Error).message.slice(0, 200)}`;
    return { courseId: course.id, teacherToken, adminToken, students: added, via, rosterOk: false };
  }
  return { courseId: course.id, teacherToken, adminToken, students: added, via, rosterOk: true };
}

/** Status, headers and exact body bytes of one GET. */
export interface Captured {
  path: string;
  status: number;
  headers: Record<string, string>;
  bodyBase64: string;
  bytes: number;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date']);

export async function capture(base: string, path: string, token: string): Promise<Captured> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) headers[name] = value;
  });
  return { path, status: response.status, headers, bodyBase64: body.toString('base64'), bytes: body.length };
}
