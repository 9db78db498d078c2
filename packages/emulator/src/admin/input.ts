import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifyRequest } from 'fastify';
import { parseYaml } from '../seed/yaml.js';
import { invalidArgument } from '../failure.js';

// All errors, so that an unknown field can be reported ahead of a missing one (see firstError).
const ajv = new Ajv({ allErrors: true, strict: false, useDefaults: false });
// Query strings arrive as text: `?demo=true` must satisfy a boolean schema.
const queryAjv = new Ajv({ allErrors: true, strict: false, coerceTypes: 'array' });
const cache = new WeakMap<object, ValidateFunction>();
const queryCache = new WeakMap<object, ValidateFunction>();

/** `/courses/3/owner` → `courses[3].owner`, the way Google names nested fields. */
function pathOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

function fieldOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return pathOf(error.instancePath, String(params.missingProperty));
  if (error.keyword === 'additionalProperties') return pathOf(error.instancePath, String(params.additionalProperty));
  return pathOf(error.instancePath);
}

function describe(error: ErrorObject): string {
  const field = fieldOf(error);
  switch (error.keyword) {
    case 'required':
      return `Missing required field "${field}".`;
    case 'additionalProperties':
      return `Unknown field "${field}".`;
    case 'enum':
      return `Invalid value for "${field}": expected one of ${((error.params as { allowedValues: unknown[] }).allowedValues).join(', ')}.`;
    default:
      return field ? `Invalid value for "${field}": ${error.message ?? 'not accepted'}.` : `Invalid request body: ${error.message ?? 'not accepted'}.`;
  }
}

function compiled(schema: object, store: WeakMap<object, ValidateFunction>, compiler: Ajv): ValidateFunction {
  let validate = store.get(schema);
  if (!validate) {
    validate = compiler.compile(schema);
    store.set(schema, validate);
  }
  return validate;
}

/**
 * The error to report: an unknown field first (a misspelt name also shows up as a missing one, and the
 * misspelling is what the caller needs to see), then the first in document order. `oneOf` and `if`
 * summaries are skipped in favour of the specific error under them.
 */
function firstError(errors: readonly ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors) return undefined;
  return errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'if') ?? errors[0];
}

/** Checks a value against a JSON schema: INVALID_ARGUMENT naming the first bad field. */
export function checkValue<T>(value: unknown, schema: object): T {
  const validate = compiled(schema, cache, ajv);
  if (!validate(value)) {
    const error = firstError(validate.errors);
    if (error) invalidArgument(describe(error), fieldOf(error));
  }
  return value as T;
}

/**
 * Reads an admin request's JSON body and checks it against a JSON schema; failures are Google-format
 * INVALID_ARGUMENT errors naming the field, exactly like the Classroom surface's.
 */
export function readJson<T>(request: FastifyRequest, schema: object): T {
  const raw = typeof request.body === 'string' ? request.body : '';
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch (error) {
      invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`, '');
    }
  }
  return checkValue<T>(body, schema);
}

/** Media types a body may be sent as when YAML is accepted. */
export const JSON_OR_YAML = ['application/json', 'application/yaml', 'text/yaml', 'application/x-yaml'] as const;

/**
 * Reads a body sent as JSON or YAML (by its content type; YAML when none is given) and checks it
 * against the schema.
 */
export function readJsonOrYaml<T>(request: FastifyRequest, schema: object): T {
  const raw = typeof request.body === 'string' ? request.body : '';
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && !(JSON_OR_YAML as readonly string[]).includes(type)) {
    invalidArgument(`The body must be JSON or YAML (${JSON_OR_YAML.join(', ')}), not ${type}.`, 'content-type');
  }
  if (type === 'application/json') return readJson<T>(request, schema);
  let body: unknown;
  try {
    body = raw.trim() === '' ? {} : parseYaml(raw, { maxAliasCount: 1000 });
  } catch (error) {
    invalidArgument(`Invalid YAML payload received. ${(error as Error).message.split('\n')[0]}`, '');
  }
  return checkValue<T>(body ?? {}, schema);
}

/**
 * Checks a request's query parameters against an object schema (values coerced from text). Google's
 * own system parameters (`$.xgafv`, `alt`, `prettyPrint`) are ignored.
 */
export function readQuery<T>(request: FastifyRequest, schema: object): T {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (key.startsWith('$') || key === 'alt' || key === 'prettyPrint') continue;
    query[key] = value;
  }
  const validate = compiled(schema, queryCache, queryAjv);
  if (!validate(query)) {
    const error = firstError(validate.errors);
    if (error) invalidArgument(describe(error).replace('field', 'query parameter'), fieldOf(error));
  }
  return query as T;
}
