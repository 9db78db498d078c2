import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EmulatorOptions } from '../../src/index.js';

/** The built package the second process runs; tests of several processes need `tsc -b` first. */
export const DIST_ENTRY = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./emulator-process.mjs', import.meta.url));

/** Fails with a clear message when the package has not been built. */
export function assertBuilt(): void {
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(
      `The emulator is not built (${DIST_ENTRY} is missing). Run \`npx tsc -b packages/errors packages/emulator\` from the repository root first: the second process runs the built package.`,
    );
  }
}

/** Where the second process keeps its state, plus any other emulator options that survive JSON. */
export interface SecondProcessOptions extends Omit<EmulatorOptions, 'store' | 'interceptors' | 'listen' | 'port'> {
  /** PostgreSQL URL shared with the first emulator. */
  url: string;
  /** The PostgreSQL schema shared with the first emulator. */
  schema: string;
  /** Connections of the second process's pool. */
  poolSize?: number;
  /** How long to wait for the process to listen. Default 20 s. */
  startTimeoutMs?: number;
}

/** A running emulator in another Node process. */
export interface SecondProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly host: string;
  readonly pid: number;
  /** Stops the process and waits for it to exit (killing it after 10 s). */
  close(): Promise<void>;
}

/**
 * Starts a second emulator process on the same PostgreSQL schema as an in-test emulator, so that two
 * processes serve one state. Tokens minted through either work on both. Close it before the first
 * emulator, whose `close()` drops the schema.
 *
 * @example
 * ```ts
 * const schema = uniqueSchema();
 * const first = await startEmulator({ store: { kind: 'postgres', url: PG_URL, schema } });
 * const second = await startSecondProcess({ url: PG_URL, schema });
 * // ... call first.url and second.url ...
 * await second.close();
 * await first.close();
 * ```
 */
export async function startSecondProcess(options: SecondProcessOptions): Promise<SecondProcess> {
  assertBuilt();
  const { url, schema, poolSize, startTimeoutMs = 20_000, ...rest } = options;
  // No seed unless asked: two processes with the same seed would hand out the same ids.
  const emulatorOptions = { ...rest, store: { kind: 'postgres', url, schema, ...(poolSize ? { poolSize } : {}) } };
  const child = spawn(process.execPath, [SCRIPT], {
    env: { ...process.env, CLASSROOM_EMULATOR_PROCESS_OPTIONS: JSON.stringify(emulatorOptions) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const started = await new Promise<{ url: string; host: string; pid: number }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the second emulator process did not start within ${startTimeoutMs} ms.\n${stderr}`));
    }, startTimeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.trim().startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { url: string; host: string; pid: number });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the second emulator process exited before listening (code ${code}, signal ${signal}).\n${stderr}`));
    });
  });

  return {
    ...started,
    close: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
