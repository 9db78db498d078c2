// The roster job the three conformance clients share: make a course's student list match the school's
// records (read the course, list its students, add the missing ones). Each client differs only in how
// it makes a call (`call`), which is what `classroom-emulator check` grades.
import { classroom } from '@googleapis/classroom';
import { OAuth2Client } from 'google-auth-library';

/** The course and the students the school's records say belong in it (the demo school's). */
export const COURSE = 'd:welcome';
export const ROSTER = ['ava.chen@maplewood.example', 'noah.patel@maplewood.example', 'samuel.adeyemi@maplewood.example'];

/**
 * The official Node client against the emulator named by CLASSROOM_EMULATOR_HOST (production when
 * unset), as the demo school's domain admin. gaxios' own retries are off: each client decides itself.
 */
export function classroomApi() {
  const host = process.env.CLASSROOM_EMULATOR_HOST;
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: process.env.CLASSROOM_EMULATOR_TOKEN_ADMIN ?? 'demo-admin' });
  return classroom({ version: 'v1', auth, retry: false, ...(host ? { rootUrl: `http://${host}/` } : {}) });
}

/**
 * Runs the job; `call(name, request)` makes one API call, where `request(options)` sends it with extra
 * per-request options (a signal, a timeout).
 */
export async function rosterJob(api, call) {
  const course = await call('courses.get', (options) => api.courses.get({ id: COURSE }, options));
  const enrolled = new Set();
  let pageToken;
  do {
    const page = await call('courses.students.list', (options) => api.courses.students.list({ courseId: COURSE, pageToken }, options));
    for (const student of page.data.students ?? []) enrolled.add(student.profile?.emailAddress);
    pageToken = page.data.nextPageToken;
  } while (pageToken);
  let added = 0;
  for (const userId of ROSTER.filter((email) => !enrolled.has(email))) {
    await call('courses.students.create', (options) => api.courses.students.create({ courseId: COURSE, requestBody: { userId } }, options));
    added += 1;
  }
  console.log(`${course.data.name}: ${enrolled.size} enrolled, ${added} added`);
}
