// Runs the built `classroom-emulator` bin as a child process, as `npm start` and an installed package do.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The built bin, as `npm start` and an installed package run it (`npx tsc -b packages/errors packages/emulator`).
// The file package.json names as the bin; it loads dist/cli.js.
export const BIN = fileURLToPath(new URL('../../bin/classroom-emulator.js', import.meta.url));
export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** A running `classroom-emulator start`, with what it printed. */
export interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const running = new Set<ChildProcess>();

export function launch(args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exit: Started['exit'] } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, CLASSROOM_EMULATOR_PORT: '', CLASSROOM_EMULATOR_DATABASE_URL: '', CLASSROOM_EMULATOR_DATA_DIR: '', CLASSROOM_EMULATOR_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => text, exit };
}

/** Runs a command to completion. */
export async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const { output, exit } = launch(args, env);
  const { code } = await exit;
  return { code, output: output() };
}

/** Starts the emulator and waits for the URL it prints. */
export async function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const launched = launch(['start', '--port', '0', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(launched.output());
      if (match?.[1] && launched.output().includes('Ctrl-C')) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 25);
    void launched.exit.then(({ code }) => {
      clearInterval(timer);
      reject(new Error(`the emulator exited (${code}) before it was ready:\n${launched.output()}`));
    });
  });
  return { ...launched, url };
}

export async function stop(started: Started): Promise<number | null> {
  started.child.kill('SIGTERM');
  return (await started.exit).code;
}
