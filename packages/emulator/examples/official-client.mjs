// The official Node client against a running demo emulator:
//   npm start                      (in another terminal; prints CLASSROOM_EMULATOR_HOST)
//   node packages/emulator/examples/official-client.mjs
//
// The only change from production code is `rootUrl`; the token is one of the demo school's.
import { classroom } from '@googleapis/classroom';
import { OAuth2Client } from 'google-auth-library';

const host = process.env.CLASSROOM_EMULATOR_HOST ?? '127.0.0.1:8085';
const auth = new OAuth2Client();
auth.setCredentials({ access_token: 'demo-teacher' });
const api = classroom({ version: 'v1', rootUrl: `http://${host}/`, auth });

const { data } = await api.courses.list({ teacherId: 'me', courseStates: ['ACTIVE'] });
for (const course of data.courses ?? []) console.log(`${course.id}  ${course.name}`);

try {
  // The archived course refuses a rename: @CourseNotModifiable, as production answers.
  await api.courses.patch({ id: 'd:history-archived', updateMask: 'name', requestBody: { name: 'History II' } });
} catch (error) {
  console.log(error.response?.status, error.response?.data?.error?.message);
}
