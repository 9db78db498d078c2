import { randomBytes } from 'node:crypto';
import { classroom, type classroom_v1 } from '@googleapis/classroom';
import { parseError, type ClassroomApiError, type GoogleErrorBody } from 'classroom-errors';
import { OAuth2Client } from 'google-auth-library';
import { expect } from 'vitest';
import { dropPostgresSchema } from '../../src/store/db.js';
import { AdminApiError, createEmulator, type Emulator, type EmulatorOptions } from '../../src/index.js';

/** The stores a behaviour test runs on: SQLite always, PostgreSQL when a URL is given. */
export const STORES: { name: string; options: () => EmulatorOptions['store'] }[] = [
  { name: 'sqlite', options: () => ({ kind: 'sqlite' }) },
];

/** The PostgreSQL URL tests use; `.ci/run` sets it. */
export const PG_URL = process.env.CLASSROOM_EMULATOR_TEST_DATABASE_URL;
if (PG_URL) {
  STORES.push({ name: 'postgres', options: () => ({ kind: 'postgres', url: PG_URL, schema: uniqueSchema() }) });
} else if (!process.env.__PG_SKIP_NOTED) {
  process.env.__PG_SKIP_NOTED = '1';
  console.warn('[tests] CLASSROOM_EMULATOR_TEST_DATABASE_URL is not set: PostgreSQL variants are skipped.');
}

let schemaCounter = 0;
/** A schema name no other test file or process uses. */
export function uniqueSchema(): string {
  // Random bytes too: two files started in the same millisecond share the pid and the counter.
  return `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}_${randomBytes(4).toString('hex')}`;
}

/** An official Classroom client acting with a token. */
export type Classroom = classroom_v1.Classroom;

/** Builds the official client against an emulator, authenticated with a bearer token. */
export function officialClient(emulator: Emulator, accessToken: string): Classroom {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: accessToken });
  return classroom({ version: 'v1', rootUrl: `${emulator.url}/`, auth, retry: false });
}

/**
 * An emulator for one test file (deterministic ids). Each file gets its own, so files run in parallel
 * without resets; `close()` also drops the file's PostgreSQL schema.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await createEmulator({ seed: 1234, ...options });
  const close = emulator.close.bind(emulator);
  return Object.assign(emulator, {
    async close() {
      await close();
      const store = options.store;
      if (store?.kind === 'postgres' && store.schema) await dropPostgresSchema(store.url, store.schema);
    },
  });
}

/** A school user with an official client of their own. */
export interface Person {
  id: string;
  email: string;
  token: string;
  api: Classroom;
}

/** Creates a user and a client acting as them. */
export async function person(
  emulator: Emulator,
  email: string,
  options: Parameters<Emulator['admin']['createUser']>[0] extends infer T ? Omit<T & object, 'email'> : never = {},
  token: { scopes?: string[]; project?: string; via?: 'oauth' | 'dwd' } = {},
): Promise<Person> {
  const user = await emulator.admin.createUser({ email, ...options });
  const { accessToken } = await emulator.admin.mintToken({ user: email, ...token });
  return { id: user.id, email: user.email, token: accessToken, api: officialClient(emulator, accessToken) };
}

/** Runs a call that must fail and returns the parsed error and the raw wire body. */
export async function failure(promise: Promise<unknown>): Promise<{ error: ClassroomApiError; body: GoogleErrorBody; status: number }> {
  try {
    await promise;
  } catch (thrown) {
    const response = (thrown as { response?: { status: number; data: unknown } }).response;
    expect(response, 'the call failed without an HTTP response').toBeDefined();
    const data = typeof response!.data === 'string' ? JSON.parse(response!.data) : response!.data;
    return { error: parseError(thrown), body: data as GoogleErrorBody, status: response!.status };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The whole wire body a catalog code renders to with this message. */
export function wireBody(code: string, status: string, httpStatus: number, reason: string, message: string): GoogleErrorBody {
  return {
    error: {
      code: httpStatus,
      message,
      errors: [{ message, domain: 'global', reason }],
      status: status as GoogleErrorBody['error']['status'],
    },
  };
}

/** The `@type` of a google.rpc.BadRequest detail. */
export const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

/**
 * A whole Google error body, written out field by field, so assertions do not depend on the renderer
 * under test. `extra` adds members to the legacy item (location, locationType).
 */
export function wire(code: number, status: string, reason: string, message: string, details?: unknown[], extra: Record<string, string> = {}) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason, ...extra }], status, ...(details ? { details } : {}) } };
}

/** INVALID_ARGUMENT naming the field (no details when no field is named). */
export function invalid(message: string, field?: string, description = message) {
  return wire(400, 'INVALID_ARGUMENT', 'invalid', message, field === undefined ? undefined : [{ '@type': BAD_REQUEST, fieldViolations: [{ field, description }] }]);
}

/** PERMISSION_DENIED with this message. */
export const denied = (message: string) => wire(403, 'PERMISSION_DENIED', 'forbidden', message);

/** NOT_FOUND with this message. */
export const notFound = (message: string) => wire(404, 'NOT_FOUND', 'notFound', message);

/** An admin call that must fail: its status and whole wire body. */
export async function adminFailure(promise: Promise<unknown>): Promise<{ status: number; body: GoogleErrorBody | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AdminApiError) return { status: error.httpStatus, body: error.body };
    throw error;
  }
  throw new Error('expected the admin call to fail');
}
