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
      response: ADD_ON_VIEW,
      handle: async ({ params, body }) => registerAddOn(env, params.project ?? '', body),
    }),
    endpoint({
      method: 'GET', path: '/addOns', tag: 'add-ons',
      summary: 'Every registered add-on.',
      response: `{addOns: [${ADD_ON_VIEW}]}`,
      handle: async () => ({ addOns: await listAddOns(env) }),
    }),
    endpoint({
      method: 'DELETE', path: '/addOns/{project}', tag: 'add-ons', params: PROJECT,
      summary: 'Unregisters an add-on: its project can no longer call add-on methods; its attachments stay.',
      response: '{}',
      handle: async ({ params }) => {
        await deleteAddOn(env, params.project ?? '');
        return {};
      },
    }),
    endpoint<LaunchInput>({
      method: 'POST', path: '/addOns/{project}:launch', tag: 'add-ons', body: LAUNCH, params: PROJECT,
      summary: "Opens an add-on iframe for a user as Classroom would: the URL and query parameters (courseId, itemId, itemType, attachmentId, submissionId, addOnToken, login_hint) the add-on receives.",
      response: '{iframe, url, query}',
      handle: async ({ params, body }) => launchAddOn(env, params.project ?? '', body),
    }),
  ] as AdminEndpoint[];
}
