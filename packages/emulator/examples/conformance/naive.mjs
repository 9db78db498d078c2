// A naive roster client: every call is made once; any failure ends the job with an uncaught exception.
// `classroom-emulator check -- node naive.mjs` fails it (gave-up-on-retryable) and warns that it crashes
// on errors it could explain (crashed-on-expected-error).
import { classroomApi, rosterJob } from './roster-job.mjs';

await rosterJob(classroomApi(), (_name, request) => request());
