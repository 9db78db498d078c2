import { createDriveFile, deleteDriveFile, getDriveFile, listDriveFiles, patchDriveFile, type DriveFileInput, type DriveFilePatch } from '../drive/service.js';
import type { Env } from '../env.js';
import { endpoint, type AdminEndpoint } from './endpoint.js';

const EMAILS = { type: 'array', items: { type: 'string', minLength: 3 } } as const;

const FILE_CREATE = {
  type: 'object',
  required: ['title', 'mimeType', 'owner'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{10,64}$' },
    title: { type: 'string', minLength: 1 },
    mimeType: { type: 'string', minLength: 3 },
    owner: { type: 'string', minLength: 3 },
    sharedWith: EMAILS,
    anyoneWithLink: { type: 'boolean' },
  },
} as const;

const FILE_PATCH = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1 },
    owner: { type: 'string', minLength: 3 },
    sharedWith: EMAILS,
    anyoneWithLink: { type: 'boolean' },
  },
} as const;

const FILE_LIST = { type: 'object', additionalProperties: false, properties: { owner: { type: 'string' } } } as const;

const FILE_VIEW = 'DriveFile: {id, title, mimeType, owner, sharedWith, anyoneWithLink, alternateLink, thumbnailUrl, createdTime, modifiedTime}';

/**
 * The emulated Drive under /emulator/v1/drive/files: the files that classwork materials and
 * submission attachments point at, with the sharing that decides AttachmentNotVisible.
 */
export function driveEndpoints(env: Env): AdminEndpoint[] {
  return [
    endpoint<DriveFileInput>({
      method: 'POST', path: '/drive/files', tag: 'drive', body: FILE_CREATE,
      summary: 'Creates a Drive file (a Google Doc, Sheet, Slides, Form, PDF, image…) owned by an address, optionally shared.',
      response: FILE_VIEW,
      handle: async ({ body }) => createDriveFile(env, body),
    }),
    endpoint<Record<string, never>, { owner?: string }>({
      method: 'GET', path: '/drive/files', tag: 'drive', query: FILE_LIST,
      summary: 'Lists the Drive files, or one owner\'s.',
      response: `{files: [${FILE_VIEW}]}`,
      handle: async ({ query }) => ({ files: await listDriveFiles(env, query.owner) }),
    }),
    endpoint({
      method: 'GET', path: '/drive/files/{id}', tag: 'drive', params: { id: 'The Drive file id.' },
      summary: 'One Drive file.',
      response: FILE_VIEW,
      handle: async ({ params }) => getDriveFile(env, params.id ?? ''),
    }),
    endpoint<DriveFilePatch>({
      method: 'PATCH', path: '/drive/files/{id}', tag: 'drive', body: FILE_PATCH, params: { id: 'The Drive file id.' },
      summary: 'Changes a Drive file\'s title, owner or sharing (sharedWith replaces the list).',
      response: FILE_VIEW,
      handle: async ({ params, body }) => patchDriveFile(env, params.id ?? '', body),
    }),
    endpoint({
      method: 'DELETE', path: '/drive/files/{id}', tag: 'drive', params: { id: 'The Drive file id.' },
      summary: 'Deletes a Drive file; materials already attached keep the details they captured.',
      response: '{}',
      handle: async ({ params }) => {
        await deleteDriveFile(env, params.id ?? '');
        return {};
      },
    }),
  ] as AdminEndpoint[];
}
