import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './helpers/harness.js';

/** The README's tour must keep working: run the script as a reader would, against a demo emulator. */
describe('the README tour (examples/tour.mjs)', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ demo: true });
  });
  afterAll(() => emulator?.close());

  it('provokes three specification errors with the official client and explains them', async () => {
    const script = fileURLToPath(new URL('../examples/tour.mjs', import.meta.url));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [script, 'de'], { env: { ...process.env, CLASSROOM_EMULATOR_HOST: emulator.host } }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(output).toContain('HTTP 400 @CourseNotModifiable → fix');
    expect(output).toContain('HTTP 400 @CourseMemberLimitReached → ask-user');
    expect(output).toContain('HTTP 400 @CannotRemoveCourseOwner → ask-user');
    expect(output).not.toContain('succeeded');
  });
});
