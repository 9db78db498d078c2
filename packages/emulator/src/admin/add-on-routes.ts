import { deleteAddOn, launchAddOn, listAddOns, registerAddOn, type AddOnInput, type LaunchInput } from '../api/add-ons/registry.js';
import type { Env } from '../env.js';
import { endpoint, type AdminEndpoint } from './endpoint.js';

const URI = { type: 'string', minLength: 8, maxLength: 1800 } as const;

const ADD_ON_PUT = {
  type: 'object',
  required: ['attachmentUriPrefixes'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1 },
    attachmentUriPrefixes: { type: 'array', minItems: 1, items: URI },
    setupUri: URI,
  },
} as const;

const LAUNCH = {
  type: 'object',
  required: ['iframe', 'user', 'course', 'item'],
  additionalProperties: false,
  properties: {
    iframe: { enum: ['attachmentDiscovery', 'teacherView', 'studentView', 'studentWorkReview'] },
    user: { type: 'string', minLength: 1 },
    course: { type: 'string', minLength: 1 },
    item: { type: 'string', minLength: 1 },
    attachmentId: { type: 'string', minLength: 1 },
    student: { type: 'string', minLength: 1 },
  },
} as const;

const ADD_ON_VIEW = 'AddOn: {project, title, attachmentUriPrefixes, setupUri, createTime}';

/** JSON schemas of the answers, for the OpenAPI document (and the admin test that checks GETs against it). */
const ADD_ON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['project', 'title', 'attachmentUriPrefixes', 'setupUri', 'createTime'],
  properties: {
    project: { type: 'string' },
    title: { type: 'string' },
    attachmentUriPrefixes: { type: 'array', items: { type: 'string' } },
    setupUri: { type: 'string' },
    createTime: { type: 'string', format: 'date-time' },
  },
} as const;
const ADD_ONS_SCHEMA = { type: 'object', additionalProperties: false, required: ['addOns'], properties: { addOns: { type: 'array', items: ADD_ON_SCHEMA } } } as const;
const LAUNCH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['iframe', 'url', 'query'],
  properties: { iframe: { type: 'string' }, url: { type: 'string' }, query: { type: 'object', additionalProperties: { type: 'string' } } },
} as const;
const EMPTY_SCHEMA = { type: 'object', additionalProperties: false, properties: {} } as const;
const PROJECT = { project: 'The Cloud project id of the add-on.' };

/**
 * Classroom add-ons under /emulator/v1/addOns: the Cloud projects registered as add-ons, and the
 * iframes Classroom would open for them (with the addOnToken and submission id those carry).
 */
export function addOnEndpoints(env: Env): AdminEndpoint[] {
  return [
    endpoint<AddOnInput>({
      method: 'PUT', path: '/addOns/{project}', tag: 'add-ons', body: ADD_ON_PUT, params: PROJECT,
      summary: 'Registers a Cloud project as a Classroom add-on with its allowed attachment URI prefixes (and setup URI); the project is created when new.',
      response: ADD_ON_VIEW, returns: ADD_ON_SCHEMA,
      handle: async ({ params, body }) => registerAddOn(env, params.project ?? '', body),
    }),
    endpoint({
      method: 'GET', path: '/addOns', tag: 'add-ons',
      summary: 'Every registered add-on.',
      response: `{addOns: [${ADD_ON_VIEW}]}`, returns: ADD_ONS_SCHEMA,
      handle: async () => ({ addOns: await listAddOns(env) }),
    }),
    endpoint({
      method: 'DELETE', path: '/addOns/{project}', tag: 'add-ons', params: PROJECT,
      summary: 'Unregisters an add-on: its project can no longer call add-on methods; its attachments stay.',
      response: '{}', returns: EMPTY_SCHEMA,
      handle: async ({ params }) => {
        await deleteAddOn(env, params.project ?? '');
        return {};
      },
    }),
    endpoint<LaunchInput>({
      method: 'POST', path: '/addOns/{project}:launch', tag: 'add-ons', body: LAUNCH, params: PROJECT,
      summary: "Opens an add-on iframe for a user as Classroom would: the URL and query parameters (courseId, itemId, itemType, attachmentId, submissionId, addOnToken, login_hint) the add-on receives.",
      response: '{iframe, url, query}', returns: LAUNCH_SCHEMA,
      handle: async ({ params, body }) => launchAddOn(env, params.project ?? '', body),
    }),
  ] as AdminEndpoint[];
}
