// A roster client built on classroom-errors: transient failures are retried by withRetry (full-jitter
// backoff, Retry-After, a retry budget, a 5 s timeout per attempt); anything else is decided and
// explained once, and the job stops with a message instead of a stack trace. `classroom-emulator check`
// passes it.
import { decide, explain, parseError, RetryBudget, withRetry } from 'classroom-errors';
import { classroomApi, rosterJob } from './roster-job.mjs';

const budget = new RetryBudget();
const lang = process.env.LANG;

class JobStopped extends Error {}

try {
  await rosterJob(classroomApi(), async (name, request) => {
    try {
      return await withRetry(({ signal }) => request({ timeout: 5_000, ...(signal ? { signal } : {}) }), { budget, deadlineMs: 60_000 });
    } catch (thrown) {
      const error = parseError(thrown);
      const decision = decide(error, { attempt: 1 });
      const { title, action } = explain(error, lang);
      // A students.create that was applied before its answer was lost: the student is there, so the job's work is done.
      if (name === 'courses.students.create' && error.code === 'ALREADY_EXISTS') return undefined;
      throw new JobStopped(`${name}: ${error.code} (${decision.action}) — ${title}. ${action}`);
    }
  });
} catch (error) {
  if (!(error instanceof JobStopped)) throw error;
  console.error(`The roster job stopped: ${error.message}`);
  process.exitCode = 1;
}
