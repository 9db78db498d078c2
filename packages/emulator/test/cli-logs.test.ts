import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultLogFormat } from '../src/platform/logger.js';

const BIN = fileURLToPath(new URL('../bin/classroom-emulator.js', import.meta.url));

/**
 * Starts the built CLI with `args`, makes one Classroom call once the banner is complete, stops it and
 * returns everything it wrote to stdout.
 */
async function stdoutOfOneCall(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', ...args], {
    env: { ...process.env, CLASSROOM_EMULATOR_PORT: '', CLASSROOM_EMULATOR_DATABASE_URL: '', CLASSROOM_EMULATOR_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match?.[1] && out.includes('Ctrl-C')) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`the emulator exited early:\n${out}`)));
    });
    const response = await fetch(`${url}/v1/courses/d:welcome`, { headers: { authorization: 'Bearer demo-teacher' } });
    expect(response.status).toBe(200);
    // The log line of that call is written right after the answer; wait for it, not for a fixed time.
    await expect.poll(() => /request completed/.test(out.slice(out.indexOf('Ctrl-C'))), { timeout: 5_000 }).toBe(true);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return out;
}

/** The start banner: from the "listening" line to "Ctrl-C to stop.", uninterrupted. */
function banner(out: string): string {
  const from = out.indexOf('classroom-emulator ');
  return out.slice(from, out.indexOf('Ctrl-C to stop.', from));
}

describe('classroom-emulator start --log-level info', () => {
  it('writes readable log lines with --log-format pretty, never inside the banner', async () => {
    const out = await stdoutOfOneCall(['--log-level', 'info', '--log-format', 'pretty']);
    const lines = out.split('\n').filter((line) => /\bINFO\b/.test(line));
    expect(lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO.*request completed/.test(line)), out).toBe(true);
    expect(out).not.toMatch(/^\{"level"/m);
    expect(banner(out)).not.toMatch(/INFO|"level"/);
    expect(banner(out)).toContain('demo-student-joins-used');
  });

  it('writes one JSON object per log line with --log-format json, never inside the banner', async () => {
    const out = await stdoutOfOneCall(['--log-level', 'info', '--log-format', 'json']);
    const records = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(records.some((r) => r.level === 30 && r.msg === 'request completed'), out).toBe(true);
    expect(banner(out)).not.toContain('"level"');
  });

  it('writes JSON when stdout is not a terminal and nothing was asked', async () => {
    const out = await stdoutOfOneCall(['--log-level', 'info']);
    expect(out).toMatch(/^\{"level":30,.*"msg":"request completed"/m);
  });

  it('chooses readable lines for a terminal and JSON for anything else', () => {
    expect(defaultLogFormat(true)).toBe('pretty');
    expect(defaultLogFormat(false)).toBe('json');
  });
});
