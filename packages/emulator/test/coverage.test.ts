import type { GoogleErrorBody } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../src/api/index.js';
import { discoveryMethods, type DiscoveryMethod } from '../src/discovery/document.js';
import { person, startEmulator, STORES, type Person } from './helpers/harness.js';

const METHODS = discoveryMethods();
const UNIMPLEMENTED = METHODS.filter((m) => !(m.id in HANDLERS));

/** A concrete path for a method: every `{param}` of its flat path filled with a plausible id. */
function pathOf(flatPath: string): string {
  return `/${flatPath.replace(/\{([^}]+)\}/g, (_m, name: string) => (/userId|studentId|teacherId|guardianId/.test(name) ? 'me' : '123456789012'))}`;
}

describe('the discovery document is covered', () => {
  it('has 104 methods (revision 20260111), every handler names one of them, and no id twice', () => {
    const ids = METHODS.map((m) => m.id);
    expect(ids).toHaveLength(104);
    expect(new Set(ids).size).toBe(ids.length);
    const orphans = Object.keys(HANDLERS).filter((id) => !ids.includes(id));
    expect(orphans, 'handlers for methods the discovery document does not have').toEqual([]);
  });
});

describe('no method answers 501', () => {
  it('every method of the discovery document has a handler', () => {
    expect(UNIMPLEMENTED.map((m) => m.id)).toEqual([]);
  });
});

describe.each(STORES)('coverage on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let caller: Person;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    caller = await person(emulator, 'admin@coverage.example', { admin: true });
  });
  afterAll(() => emulator.close());

  it('GET /emulator/v1/coverage lists every method id with whether it has a handler', async () => {
    const coverage = await emulator.admin.coverage();
    expect(coverage.total).toBe(METHODS.length);
    expect(coverage.methods.map((m) => m.id).sort()).toEqual(METHODS.map((m) => m.id).sort());
    for (const method of coverage.methods) expect(method.implemented, method.id).toBe(method.id in HANDLERS);
    expect(coverage.implemented).toBe(METHODS.length - UNIMPLEMENTED.length);
  });

  // Built from the document at collection time: one case per method without a handler.
  const cases: [string, DiscoveryMethod | undefined][] = UNIMPLEMENTED.length > 0 ? UNIMPLEMENTED.map((m) => [m.id, m]) : [['(none)', undefined]];
  it.each(cases)(
    '%s answers 501 UNIMPLEMENTED naming itself',
    async (id, method) => {
      if (!method) return;
      const hasBody = method.httpMethod === 'POST' || method.httpMethod === 'PATCH' || method.httpMethod === 'PUT';
      const response = await fetch(`${emulator.url}${pathOf(method.flatPath)}`, {
        method: method.httpMethod,
        headers: { authorization: `Bearer ${caller.token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(hasBody ? { body: '{}' } : {}),
      });
      const message = `The emulator does not implement ${id} yet.`;
      expect(response.status).toBe(501);
      expect(await response.json()).toEqual({
        error: { code: 501, message, errors: [{ message, domain: 'global', reason: 'notImplemented' }], status: 'UNIMPLEMENTED' },
      } satisfies GoogleErrorBody);
    },
  );

  it('every implemented method is routed to its handler, not to 501 or 404', async () => {
    for (const method of METHODS.filter((m) => m.id in HANDLERS)) {
      const hasBody = method.httpMethod === 'POST' || method.httpMethod === 'PATCH' || method.httpMethod === 'PUT';
      const response = await fetch(`${emulator.url}${pathOf(method.flatPath)}`, {
        method: method.httpMethod,
        headers: { authorization: `Bearer ${caller.token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
        ...(hasBody ? { body: '{}' } : {}),
      });
      const body = (await response.json()) as Partial<GoogleErrorBody>;
      // Placeholder ids mostly fail (404, 400, 403): what matters is that the method's own code answered.
      expect(response.status, method.id).not.toBe(501);
      expect(body.error?.message ?? '', method.id).not.toMatch(/^No Classroom method answers /);
    }
  });
});
