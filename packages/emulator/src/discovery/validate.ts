import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldViolation } from 'classroom-errors';
import { discoveryDocument, type DiscoveryMethod, type DiscoverySchema } from './document.js';

/** A request that failed shape checks, worded like Google's front end words it. */
export interface ShapeError {
  message: string;
  fieldViolations: FieldViolation[];
}

/** The result of a shape check. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: ShapeError };

function invalid(message: string, field = ''): { ok: false; error: ShapeError } {
  return { ok: false, error: { message, fieldViolations: [{ field, description: message }] } };
}

/** Query parameters every Google API accepts, beyond a method's own. */
const SYSTEM_PARAMETERS = new Set([
  '$.xgafv', 'access_token', 'alt', 'callback', 'fields', 'key', 'oauth_token', 'prettyPrint',
  'quotaUser', 'uploadType', 'upload_protocol', 'userIp',
]);

export type ParamValue = string | number | boolean | string[];

/**
 * Checks and converts a method's path and query parameters against the discovery document: unknown
 * names, enums, integers, booleans, repeated values and required parameters.
 */
export function checkParameters(
  method: DiscoveryMethod,
  pathParams: Record<string, string>,
  query: Record<string, string | string[] | undefined>,
): Checked<Record<string, ParamValue>> {
  const out: Record<string, ParamValue> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    if (SYSTEM_PARAMETERS.has(name)) continue;
    const spec = method.parameters[name];
    if (!spec || spec.location !== 'query') {
      return invalid(
        `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
      );
    }
    const values = Array.isArray(raw) ? raw : [raw];
    if (!spec.repeated && values.length > 1) {
      return invalid(`Invalid value for "${name}": only one value may be given.`, snake(name));
    }
    const converted: (string | number | boolean)[] = [];
    for (const value of values) {
      const result = convertScalar(name, spec.type, spec.enum, value);
      if (!result.ok) return result;
      converted.push(result.value);
    }
    out[name] = spec.repeated ? converted.map(String) : (converted[0] as string | number | boolean);
  }
  const alt = query.alt;
  if (alt !== undefined && alt !== 'json') {
    return invalid(`Invalid value for "alt": this emulator answers only alt=json.`, 'alt');
  }
  for (const [name, value] of Object.entries(pathParams)) out[name] = value;
  for (const [name, spec] of Object.entries(method.parameters)) {
    if (spec.required && (out[name] === undefined || out[name] === '')) {
      return invalid(`Missing required parameter "${name}".`, snake(name));
    }
  }
  return { ok: true, value: out };
}

function convertScalar(
  name: string,
  type: string,
  allowed: string[] | undefined,
  value: string,
): Checked<string | number | boolean> {
  if (type === 'integer' || type === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(value.trim())) {
      return invalid(`Invalid value at '${snake(name)}' (TYPE_INT32), "${value}"`, snake(name));
    }
    const n = Number(value);
    if (type === 'integer' && (!Number.isInteger(n) || Math.abs(n) > 2 ** 31 - 1)) {
      return invalid(`Invalid value at '${snake(name)}' (TYPE_INT32), "${value}"`, snake(name));
    }
    return { ok: true, value: n };
  }
  if (type === 'boolean') {
    if (value !== 'true' && value !== 'false') {
      return invalid(`Invalid value at '${snake(name)}' (TYPE_BOOL), "${value}"`, snake(name));
    }
    return { ok: true, value: value === 'true' };
  }
  if (allowed && !allowed.includes(value)) {
    return invalid(`Invalid value at '${snake(name)}' (TYPE_ENUM), "${value}"`, snake(name));
  }
  return { ok: true, value };
}

/** `courseState` → `course_state`: Google names fields in errors by their proto names. */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

function toJsonSchema(schema: DiscoverySchema): Record<string, unknown> {
  if (schema.$ref) return { $ref: `#/definitions/${schema.$ref}` };
  switch (schema.type) {
    case 'object': {
      if (schema.properties) {
        const properties: Record<string, unknown> = {};
        for (const [name, prop] of Object.entries(schema.properties)) properties[name] = toJsonSchema(prop);
        return { type: 'object', properties, additionalProperties: false };
      }
      if (schema.additionalProperties) {
        return { type: 'object', additionalProperties: toJsonSchema(schema.additionalProperties) };
      }
      return { type: 'object' };
    }
    case 'array':
      return { type: 'array', items: schema.items ? toJsonSchema(schema.items) : {} };
    case 'string':
      if (schema.enum) return { type: 'string', enum: schema.enum };
      // int64 and uint64 travel as strings but JSON numbers are accepted too, as proto3 JSON allows.
      if (schema.format === 'int64' || schema.format === 'uint64') return { type: ['string', 'integer'], pattern: '^-?\\d+$' };
      return { type: 'string' };
    case 'integer':
      return { type: ['integer', 'string'], pattern: '^-?\\d+$' };
    case 'number':
      return { type: ['number', 'string'], pattern: '^-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?$|^(NaN|-?Infinity)$' };
    case 'boolean':
      return { type: 'boolean' };
    case 'any':
      return {};
    default:
      return {};
  }
}

function validatorFor(ref: string): ValidateFunction {
  let validate = compiled.get(ref);
  if (!validate) {
    const doc = discoveryDocument();
    const definitions: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(doc.schemas)) definitions[name] = toJsonSchema({ ...schema, type: schema.type ?? 'object' });
    validate = ajv.compile({ $ref: `#/definitions/${ref}`, definitions });
    compiled.set(ref, validate);
  }
  return validate;
}

/**
 * Parses and checks a request body against the method's request schema: malformed JSON, unknown
 * fields, wrong types and bad enum values come back as INVALID_ARGUMENT with the field named.
 */
export function checkBody(method: DiscoveryMethod, raw: string | undefined): Checked<Record<string, unknown>> {
  if (!method.request) return { ok: true, value: {} };
  let body: unknown = {};
  if (raw !== undefined && raw.trim() !== '') {
    try {
      body = JSON.parse(raw);
    } catch (error) {
      const where = /position (\d+)/.exec((error as Error).message)?.[1];
      return invalid(`Invalid JSON payload received. Unexpected token${where ? ` at position ${where}` : ''}.`);
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return invalid('Invalid JSON payload received. Expected an object as the request body.');
  }
  const validate = validatorFor(method.request.$ref);
  if (validate(body)) return { ok: true, value: body as Record<string, unknown> };
  const error = validate.errors?.[0];
  return error ? describe(error, method.request.$ref, body) : invalid('Invalid JSON payload received.');
}

function describe(error: ErrorObject, ref: string, body: unknown): { ok: false; error: ShapeError } {
  // Google prefixes paths with the request message's body field (`course.name`) unless the body is
  // the request message itself (`*Request` schemas).
  const root = ref.endsWith('Request') ? '' : snake(ref.charAt(0).toLowerCase() + ref.slice(1));
  const segments = error.instancePath.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? `[${s}]` : snake(s)));
  const path = [root, ...segments].filter(Boolean).join('.').replace(/\.\[/g, '[');
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String((error.params as { additionalProperty: string }).additionalProperty);
      const at = segments.length > 0 ? ` at '${path}'` : '';
      return invalid(`Invalid JSON payload received. Unknown name "${name}"${at}: Cannot find field.`, segments.length > 0 ? path : '');
    }
    case 'enum':
      return invalid(`Invalid value at '${path}' (TYPE_ENUM), ${preview(valueAt(body, error.instancePath))}`, path);
    case 'type':
    case 'pattern': {
      const value = valueAt(body, error.instancePath);
      const expected = String((error.params as { type?: string | string[] }).type ?? 'string');
      const kind = expected.includes('boolean') ? 'TYPE_BOOL' : expected.includes('integer') ? 'TYPE_INT64' : expected.includes('number') ? 'TYPE_DOUBLE' : expected.includes('object') ? 'TYPE_MESSAGE' : expected.includes('array') ? 'TYPE_REPEATED' : 'TYPE_STRING';
      return invalid(`Invalid value at '${path}' (${kind}), ${preview(value)}`, path);
    }
    default:
      return invalid(`Invalid value at '${path}': ${error.message ?? 'not accepted'}`, path);
  }
}

function valueAt(body: unknown, pointer: string): unknown {
  let current: unknown = body;
  for (const part of pointer.split('/').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * The value as compact JSON for an error message, cut after a few levels and about 100 characters.
 * It stops as soon as the budget is spent, so a value nested thousands of levels deep (or holding a
 * million keys) costs no more than a small one; small values read exactly as JSON.stringify writes them.
 */
export function preview(value: unknown, limit = 100, maxDepth = 4): string {
  let out = '';
  const walk = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v !== 'object') {
      out += String(JSON.stringify(typeof v === 'string' ? v.slice(0, limit + 1) : v));
    } else if (depth >= maxDepth) {
      out += Array.isArray(v) ? '[...]' : '{...}';
    } else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out += ',';
        if (!walk(v[i], depth + 1)) return false;
      }
      out += ']';
    } else {
      out += '{';
      let first = true;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        out += `${first ? '' : ','}${JSON.stringify(key.slice(0, limit + 1))}:`;
        first = false;
        if (!walk((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      out += '}';
    }
    return out.length <= limit;
  };
  walk(value, 0);
  return out.length > limit ? `${out.slice(0, limit)}...` : out;
}
