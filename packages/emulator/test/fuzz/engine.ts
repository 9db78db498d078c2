import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CANONICAL_STATUSES } from 'classroom-errors';
import { discoveryDocument, discoveryMethods, type DiscoverySchema } from '../../src/discovery/document.js';
import type { Emulator } from '../../src/index.js';
import { rawExchange } from '../helpers/raw-http.js';
import { makeRequest, requestBytes, Rng, type FuzzRequest, type Target } from './cases.js';

/** The fixture every fuzz run starts from: a small school with tokens, so requests get past authentication. */
export const FUZZ_FIXTURE = fileURLToPath(new URL('../../examples/small-school.yaml', import.meta.url));

/** One broken promise: the request, what came back and which rule it broke. */
export interface FuzzFailure {
  index: number;
  rule: string;
  request: { family: string; target: string; transport: string; method: string; url: string; body?: string; raw?: string };
  status?: number;
  answer?: string;
}

/** What a run did. */
export interface FuzzReport {
  seed: number;
  requests: number;
  /** Answers by HTTP status (`closed` when a socket got no answer). */
  statuses: Record<string, number>;
  byFamily: Record<string, number>;
  byTransport: Record<string, number>;
  /** Answers of 500 and above, the expected 501s of unimplemented methods excluded. */
  serverErrors: number;
  /** 501 UNIMPLEMENTED answers of methods the emulator does not implement yet (listed by /emulator/v1/coverage). */
  unimplemented: number;
  /** Export comparisons that confirmed failed writes changed nothing. */
  stateChecks: number;
  /** Writes that succeeded (after each, the state is reset to the fixture). */
  successfulWrites: number;
  /** Targets of the fuzzed writes that succeeded, and how often. */
  succeeded: Record<string, number>;
  /** Failed writes whose window ended in a successful write before it was checked, so not compared. */
  unverifiedWrites: number;
  failures: FuzzFailure[];
  millis: number;
}

function fieldsOf(schema: DiscoverySchema | undefined, schemas: Record<string, DiscoverySchema>): Record<string, string> {
  const resolved = schema?.$ref ? schemas[schema.$ref] : schema;
  const out: Record<string, string> = {};
  for (const [name, prop] of Object.entries(resolved?.properties ?? {})) out[name] = prop.$ref ? 'object' : (prop.type ?? 'object');
  return out;
}

/** Every Classroom method of the discovery document and every admin endpoint of the emulator's OpenAPI document. */
export async function fuzzTargets(emulator: Emulator): Promise<Target[]> {
  const doc = discoveryDocument();
  const coverage = JSON.parse((await emulator.app.inject({ method: 'GET', url: '/emulator/v1/coverage' })).body) as {
    methods: { id: string; implemented: boolean }[];
  };
  const missing = new Set(coverage.methods.filter((m) => !m.implemented).map((m) => m.id));
  const targets: Target[] = discoveryMethods().map((m) => ({
    kind: 'classroom',
    id: m.id,
    verb: m.httpMethod,
    template: `/${m.flatPath}`,
    query: Object.fromEntries(Object.entries(m.parameters).filter(([, p]) => p.location === 'query').map(([n, p]) => [n, p.type])),
    fields: m.request ? fieldsOf({ $ref: m.request.$ref } as DiscoverySchema, doc.schemas) : {},
    hasBody: m.request !== undefined,
    ...(missing.has(m.id) ? { unimplemented: true } : {}),
  }));
  const openapi = JSON.parse((await emulator.app.inject({ method: 'GET', url: '/emulator/v1/openapi.json' })).body) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string; schema?: { type?: string } }[];
          requestBody?: { content: Record<string, { schema?: { properties?: Record<string, { type?: string }> } }> };
          responses?: Record<string, { content?: Record<string, unknown> }>;
        }
      >
    >;
  };
  for (const [path, operations] of Object.entries(openapi.paths)) {
    for (const [verb, operation] of Object.entries(operations)) {
      // A live stream (the request log's server-sent events) answers with a body that never ends: a
      // malformed request to it is refused at once, but a well-formed one would hold the fuzzer forever.
      if (operation.responses?.['200']?.content?.['text/event-stream']) continue;
      const schema = Object.values(operation.requestBody?.content ?? {})[0]?.schema;
      targets.push({
        kind: 'admin',
        id: `admin ${verb.toUpperCase()} ${path}`,
        verb: verb.toUpperCase(),
        template: path,
        query: Object.fromEntries((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema?.type ?? 'string'])),
        fields: Object.fromEntries(Object.entries(schema?.properties ?? {}).map(([n, p]) => [n, p.type ?? 'object'])),
        hasBody: operation.requestBody !== undefined,
      });
    }
  }
  return targets;
}

/** The state as the admin export shows it, without what moves by itself (the export time, the clock, quota windows). */
async function stateOf(emulator: Emulator): Promise<string> {
  const response = await emulator.app.inject({ method: 'GET', url: '/emulator/v1/state' });
  const state = JSON.parse(response.body) as { tables?: Record<string, unknown> } & Record<string, unknown>;
  delete state.exportTime;
  delete state.clock;
  // Quota windows count failed requests too, as Google's do (PostgreSQL keeps them in tables): accounting, not state.
  for (const table of Object.keys(state.tables ?? {})) if (table.startsWith('quota')) delete state.tables?.[table];
  return JSON.stringify(state);
}

/** The tables (or settings) that differ between two exports, for the failure message. */
function whatChanged(before: string, after: string): string {
  const a = JSON.parse(before) as { tables?: Record<string, unknown> } & Record<string, unknown>;
  const b = JSON.parse(after) as { tables?: Record<string, unknown> } & Record<string, unknown>;
  const changed = Object.keys({ ...a.tables, ...b.tables }).filter((t) => JSON.stringify(a.tables?.[t]) !== JSON.stringify(b.tables?.[t]));
  for (const key of Object.keys({ ...a, ...b })) if (key !== 'tables' && JSON.stringify(a[key]) !== JSON.stringify(b[key])) changed.push(key);
  return changed.map((t) => `${t} ${JSON.stringify(a.tables?.[t] ?? a[t]).slice(0, 150)} -> ${JSON.stringify(b.tables?.[t] ?? b[t]).slice(0, 150)}`).join('; ');
}

interface Answer {
  status: number | 'closed';
  body: string;
  headers: Record<string, unknown>;
}

async function send(emulator: Emulator, request: FuzzRequest): Promise<Answer> {
  if (request.transport === 'inject') {
    const response = await emulator.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      ...(request.body !== undefined ? { payload: request.body } : {}),
    });
    return { status: response.statusCode, body: response.body, headers: response.headers };
  }
  try {
    const answer = await rawExchange(emulator.host, requestBytes(request, emulator.host), { waitMs: 0, head: request.method === 'HEAD' });
    return { status: answer.status, body: answer.body, headers: answer.headers };
  } catch {
    return { status: 'closed', body: '', headers: {} };
  }
}

const STATUS_NAMES = new Set(Object.keys(CANONICAL_STATUSES));

/** Why an answer breaks the rules, or undefined when it keeps them. */
function verdict(request: FuzzRequest, answer: Answer, unimplemented: boolean): string | undefined {
  if (answer.status === 'closed') return 'no HTTP answer before the connection closed';
  if (answer.status < 300 || request.method === 'HEAD') return undefined;
  let body: { error?: { code?: unknown; message?: unknown; status?: unknown } };
  try {
    body = JSON.parse(answer.body) as typeof body;
  } catch {
    return 'a non-2xx answer whose body is not JSON';
  }
  const error = body.error;
  if (!error || error.code !== answer.status || typeof error.message !== 'string' || typeof error.status !== 'string' || !STATUS_NAMES.has(error.status)) {
    return "a non-2xx answer not in Google's envelope";
  }
  if (answer.status >= 500 && !(answer.status === 501 && error.status === 'UNIMPLEMENTED' && unimplemented)) return `a server error (${answer.status})`;
  return undefined;
}

/** Successful writes that leave nothing behind that could change later answers. */
const HARMLESS = /^admin DELETE \/emulator\/v1\/(requests|faults)$/;

/** Puts the emulator back to the fuzz fixture, after a fuzzed write happened to succeed. */
async function restore(emulator: Emulator): Promise<void> {
  await emulator.reset();
  await emulator.admin.loadFixture(readFileSync(FUZZ_FIXTURE, 'utf8'));
}

/**
 * Sends `count` malformed requests drawn from `seed` and checks each answer: below 500, Google's envelope
 * for every non-2xx, and — compared against an admin export every few requests — no change of state from
 * requests that failed. The emulator must hold the fuzz fixture when the run starts.
 */
export async function runFuzz(emulator: Emulator, { count, seed, checkEvery = 6, onProgress }: { count: number; seed: number; checkEvery?: number; onProgress?: (done: number) => void }): Promise<FuzzReport> {
  const started = performance.now();
  const rng = new Rng(seed);
  const targets = await fuzzTargets(emulator);
  const unimplemented = new Set(targets.filter((t) => t.unimplemented).map((t) => t.id));
  const report: FuzzReport = { seed, requests: 0, statuses: {}, byFamily: {}, byTransport: {}, serverErrors: 0, unimplemented: 0, stateChecks: 0, successfulWrites: 0, succeeded: {}, unverifiedWrites: 0, failures: [], millis: 0 };
  let baseline = await stateOf(emulator);
  let failedWrites: number[] = [];

  const describe = (request: FuzzRequest): FuzzFailure['request'] => ({
    family: request.family,
    target: request.target,
    transport: request.transport,
    method: request.method,
    url: request.url.length > 200 ? `${request.url.slice(0, 200)}... (${request.url.length} chars)` : request.url,
    ...(request.body !== undefined ? { body: String(request.body).slice(0, 200) } : {}),
    ...(request.raw ? { raw: JSON.stringify(request.raw.toString('latin1').slice(0, 160)) } : {}),
  });
  const requests: FuzzRequest[] = [];

  const checkState = async () => {
    if (failedWrites.length === 0) return;
    report.stateChecks++;
    const now = await stateOf(emulator);
    if (now !== baseline) {
      report.failures.push({
        index: failedWrites[0] ?? -1,
        rule: `state changed by a failed write among requests ${failedWrites.join(', ')}: ${whatChanged(baseline, now)}`,
        request: describe(requests[failedWrites[0] ?? 0] as FuzzRequest),
      });
      baseline = now;
    }
    failedWrites = [];
  };

  for (let index = 0; index < count; index++) {
    const request = makeRequest(rng, targets);
    requests[index] = request;
    let answer: Answer;
    try {
      answer = await send(emulator, request);
    } catch (error) {
      report.failures.push({ index, rule: `the request could not be sent: ${(error as Error).message}`, request: describe(request) });
      continue;
    }
    report.requests++;
    const key = String(answer.status);
    report.statuses[key] = (report.statuses[key] ?? 0) + 1;
    report.byFamily[request.family] = (report.byFamily[request.family] ?? 0) + 1;
    report.byTransport[request.transport] = (report.byTransport[request.transport] ?? 0) + 1;
    const isUnimplemented = unimplemented.has(request.target);
    const broken = verdict(request, answer, isUnimplemented);
    if (typeof answer.status === 'number' && answer.status >= 500) {
      if (answer.status === 501 && isUnimplemented && !broken) report.unimplemented++;
      else report.serverErrors++;
    }
    if (broken) report.failures.push({ index, rule: broken, request: describe(request), status: answer.status === 'closed' ? 0 : answer.status, answer: answer.body.slice(0, 300) });

    const succeeded = typeof answer.status === 'number' && answer.status >= 200 && answer.status < 300;
    if (request.write && succeeded) {
      // The export now holds this success too, so the failed writes since the last check go unverified;
      // checking often keeps them few. Then start again from the fixture.
      report.unverifiedWrites += failedWrites.length;
      failedWrites = [];
      report.successfulWrites++;
      report.succeeded[request.target] = (report.succeeded[request.target] ?? 0) + 1;
      // An admin write may have armed faults, moved the clock or wiped the tokens, a Classroom one deleted a
      // course the requests aim at: back to the fixture (emptying the request log or the faults harms nothing).
      if (!HARMLESS.test(request.target)) await restore(emulator);
      baseline = await stateOf(emulator);
    } else if (request.write) {
      failedWrites.push(index);
      if (failedWrites.length >= checkEvery) await checkState();
    }
    onProgress?.(index + 1);
  }
  await checkState();
  report.millis = Math.round(performance.now() - started);
  return report;
}

/** A Markdown summary of a run: the histogram of statuses and families, and the failures. */
export function summarize(report: FuzzReport, store: string): string {
  const row = (entries: Record<string, number>) =>
    Object.entries(entries)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `| ${k} | ${v} |`)
      .join('\n');
  return [
    `### ${store}, seed ${report.seed}: ${report.requests} requests in ${(report.millis / 1000).toFixed(1)} s`,
    '',
    `- answers ≥ 500 (server errors): ${report.serverErrors}`,
    `- 501 UNIMPLEMENTED from methods the emulator does not implement yet: ${report.unimplemented}`,
    `- state checks (admin export compared after failed writes): ${report.stateChecks}; failed writes left unverified (a success came first): ${report.unverifiedWrites}`,
    `- fuzzed writes that succeeded (after an admin one the state is reset to the fixture): ${report.successfulWrites}` +
      ` (${Object.entries(report.succeeded).map(([t, n]) => `${t} ${n}`).join(', ')})`,
    `- failures: ${report.failures.length}`,
    '',
    '| status | answers |',
    '| --- | --- |',
    row(report.statuses),
    '',
    '| family | requests |',
    '| --- | --- |',
    row(report.byFamily),
    '',
    '| transport | requests |',
    '| --- | --- |',
    row(report.byTransport),
    '',
  ].join('\n');
}
