// A hammering roster client: whatever fails is sent again at once, up to 50 times. It survives every
// transient failure and is still what the Request Errors page warns about: `classroom-emulator check`
// fails it for retried-non-retryable, retried-join-limit, no-backoff and retry-storm.
import { classroomApi, rosterJob } from './roster-job.mjs';

const ATTEMPTS = 50;

await rosterJob(classroomApi(), async (name, request) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      console.error(`${name} failed (${error.status ?? error.code}); trying again`);
    }
  }
});
