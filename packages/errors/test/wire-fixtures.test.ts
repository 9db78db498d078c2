import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG, decide, explain, isErrorCode, LANGUAGES, parseError, renderError } from '../src/index.js';

/*
 * Bodies recorded from the emulator (packages/emulator/test/wire-contract.test.ts writes and checks
 * them). The library must classify what the emulator really sends, not only what the library renders.
 */
const folder = new URL('./fixtures/wire/', import.meta.url);
const recordings = readdirSync(folder)
  .filter((name) => name.endsWith('.json'))
  .map((name) => {
    const { httpStatus, body } = JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as {
      httpStatus: number;
      body: { error: { message: string } };
    };
    return { code: name.replace(/\.json$/, ''), httpStatus, body };
  });

describe('recorded emulator bodies', () => {
  it('cover the specification codes the demo school provokes', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(14);
  });

  it.each(recordings.map((r) => [r.code, r] as const))('%s parses to its own code, status and decision', (code, recording) => {
    expect(isErrorCode(code)).toBe(true);
    if (!isErrorCode(code)) return;
    const error = parseError(recording.body);
    expect(error.code).toBe(code);
    expect(error.known).toBe(true);
    expect(error.httpStatus).toBe(recording.httpStatus);
    expect(error.httpStatus).toBe(CATALOG[code].httpStatus);
    expect(error.status).toBe(CATALOG[code].status);
    // The emulator renders through this library: the envelope must be exactly the catalog's.
    const rendered = renderError(code, { message: error.detail });
    expect(recording.body).toMatchObject({ error: { code: rendered.body.error.code, status: rendered.body.error.status } });
    expect(recording.body.error.message).toBe(rendered.body.error.message);
    const decision = decide(error, { attempt: 1 });
    if (CATALOG[code].retry === 'never') expect(decision.action).not.toBe('retry');
    if (code === 'UserCourseJoinRateLimitReached') expect(decision.action).toBe('wait');
    for (const lang of LANGUAGES) expect(explain(error, lang).title.length).toBeGreaterThan(0);
  });
});
