// A second emulator in its own Node process, for tests that need several processes on one store.
// Started by second-process.ts: options arrive as JSON in CLASSROOM_EMULATOR_PROCESS_OPTIONS, the
// URL leaves as one JSON line on stdout. It stops on SIGTERM/SIGINT, or when its parent goes away
// (stdin closes), so a crashed test run leaves no emulator behind.
import { createEmulator } from '../../dist/index.js';

const options = JSON.parse(process.env.CLASSROOM_EMULATOR_PROCESS_OPTIONS ?? '{}');
const emulator = await createEmulator({ ...options, port: 0 });
process.stdout.write(`${JSON.stringify({ url: emulator.url, host: emulator.host, pid: process.pid })}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await emulator.close();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
