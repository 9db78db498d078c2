import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

/**
 * Prints one plain closing line (`vitest: N passed, N failed, N skipped`) that CI systems which do not
 * know vitest's own summary can read.
 */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const visit = (task: RunnerTask) => {
      if (task.type === 'suite') {
        for (const child of task.tasks) visit(child);
        return;
      }
      const state = task.result?.state;
      if (state === 'pass') passed++;
      else if (state === 'fail') failed++;
      else skipped++;
    };
    for (const file of files) {
      visit(file);
      // A file that failed to load has no tests but must still count as a failure.
      if (file.result?.state === 'fail' && file.tasks.length === 0) failed++;
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
