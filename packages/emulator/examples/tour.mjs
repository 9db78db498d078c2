// The README's tour with the official Node client: three specification errors from the demo school,
// each parsed, decided and explained by classroom-errors.
//   npm start                                   (another terminal)
//   node packages/emulator/examples/tour.mjs [ja|de|ru|it]
import { classroom } from '@googleapis/classroom';
import { decide, explain, parseError } from 'classroom-errors';
import { OAuth2Client } from 'google-auth-library';

const host = process.env.CLASSROOM_EMULATOR_HOST ?? '127.0.0.1:8085';
const language = process.argv[2] ?? 'en';

/** An official client acting with one of the demo school's tokens. */
function as(token) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return classroom({ version: 'v1', rootUrl: `http://${host}/`, auth, retry: false });
}

const admin = as('demo-admin');
const teacher = as('demo-teacher');
const newcomer = (await admin.courses.students.list({ courseId: 'd:welcome' })).data.students?.[0]?.userId;

const attempts = [
  ['rename an archived course', () => teacher.courses.patch({ id: 'd:history-archived', updateMask: 'name', requestBody: { name: 'History II' } })],
  ['add a student to a full course', () => admin.courses.students.create({ courseId: 'd:full', requestBody: { userId: newcomer } })],
  ['remove the course owner', () => teacher.courses.teachers.delete({ courseId: 'd:welcome', userId: 'me' })],
];

for (const [what, call] of attempts) {
  try {
    await call();
    console.log(`${what}: succeeded (was the demo school reset?)`);
  } catch (thrown) {
    const error = parseError(thrown);
    const decision = decide(error, { attempt: 1 });
    const { title, action } = explain(error, language);
    console.log(`${what}: HTTP ${error.httpStatus} @${error.code} → ${decision.action}\n  ${title}: ${action}`);
  }
}
