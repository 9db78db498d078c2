import { Ajv, type ErrorObject } from 'ajv';
import type { FastifyRequest } from 'fastify';
import { invalidArgument } from '../failure.js';

const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: false });
const cache = new WeakMap<object, ReturnType<typeof ajv.compile>>();

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.split('/').filter(Boolean).join('.');
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return path ? `${path}.${missing}` : missing;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return path ? `${path}.${extra}` : extra;
  }
  return path;
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
      return `Invalid value for "${field}": ${error.message ?? 'not accepted'}.`;
  }
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
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  if (!validate(body)) {
    const error = validate.errors?.[0];
    if (error) invalidArgument(describe(error), fieldOf(error));
  }
  return body as T;
}
