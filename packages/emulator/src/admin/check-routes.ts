import { fail } from '../failure.js';
import { endpoint, type AdminEndpoint } from './endpoint.js';

/** The shape of a `classroom-emulator check` report (src/check/report.ts); inside a scenario, the rest passes through. */
const CHECK_REPORT = {
  type: 'object',
  required: ['command', 'scenarios', 'summary'],
  additionalProperties: false,
  properties: {
    command: { type: 'string' },
    lang: { type: 'string' },
    baseline: { type: 'object' },
    scenarios: {
      type: 'array',
      items: { type: 'object', required: ['name', 'verdict', 'findings'], properties: { name: { type: 'string' }, verdict: { enum: ['pass', 'warn', 'fail'] }, findings: { type: 'array' } } },
    },
    summary: {
      type: 'object',
      required: ['pass', 'warn', 'fail'],
      properties: { pass: { type: 'integer', minimum: 0 }, warn: { type: 'integer', minimum: 0 }, fail: { type: 'integer', minimum: 0 } },
    },
  },
} as const;

/**
 * Where `classroom-emulator check --publish URL` leaves its report, for the console (or anyone) to show
 * the last grading. Kept in this process's memory; an admin reset keeps it, since it describes a client,
 * not the emulator's state.
 */
export function checkEndpoints(): AdminEndpoint[] {
  let last: unknown;
  return [
    endpoint<Record<string, unknown>>({
      method: 'PUT', path: '/check/last', tag: 'check', body: CHECK_REPORT, bodyLimit: 8 * 1024 * 1024,
      summary: 'Keeps a `classroom-emulator check` report as the last one (check --publish does this).', response: 'the report',
      handle: async ({ body }) => {
        last = body;
        return body;
      },
    }),
    endpoint({
      method: 'GET', path: '/check/last', tag: 'check',
      summary: 'The last `classroom-emulator check` report published here.', response: 'the report',
      handle: async () => {
        if (last === undefined) fail('NOT_FOUND', 'No check report has been published here: run classroom-emulator check --publish URL -- COMMAND.');
        return last;
      },
    }),
  ];
}
