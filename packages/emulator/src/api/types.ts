import type { DiscoveryMethod } from '../discovery/document.js';
import type { ParamValue } from '../discovery/validate.js';
import type { Env } from '../env.js';
import type { Caller } from '../identity/caller.js';

/** One authenticated, shape-checked Classroom call, as a resource's routes receive it. */
export interface ApiCall {
  readonly env: Env;
  readonly caller: Caller;
  readonly method: DiscoveryMethod;
  /** Path and query parameters, converted to their discovery types. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The request body, already checked against the method's request schema. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** The body of one Classroom method: returns the response resource (or `{}` for Empty). */
export type Handler = (call: ApiCall) => Promise<unknown>;

/** A resource folder's handlers, keyed by discovery method id. */
export type HandlerTable = Readonly<Record<string, Handler>>;

/**
 * Wraps every handled call: quota, fault injection and the request log plug in here without the
 * resource code knowing. Call `next()` to go on; return or throw to answer instead.
 */
export type Interceptor = (call: ApiCall, next: () => Promise<unknown>) => Promise<unknown>;

/** A string parameter (path parameters always are). */
export function param(call: ApiCall, name: string): string {
  const value = call.params[name];
  return typeof value === 'string' ? value : String(value ?? '');
}

/** An optional string parameter. */
export function optionalParam(call: ApiCall, name: string): string | undefined {
  const value = call.params[name];
  return value === undefined ? undefined : String(value);
}
