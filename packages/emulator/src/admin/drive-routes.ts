import type { FastifyInstance } from 'fastify';
import { createDriveFile, deleteDriveFile, getDriveFile, listDriveFiles, patchDriveFile, type DriveFileInput, type DriveFilePatch } from '../drive/service.js';
import type { Env } from '../env.js';
import { readJson } from './input.js';

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

/**
 * The emulated Drive under /emulator/v1/drive/files: files that classwork materials and submission
 * attachments point at, with the sharing that decides AttachmentNotVisible.
 */
export function registerDriveRoutes(app: FastifyInstance, env: Env): void {
  const base = '/emulator/v1/drive/files';
  app.post(base, async (request) => createDriveFile(env, readJson<DriveFileInput>(request, FILE_CREATE)));
  app.get(base, async (request) => {
    const { owner } = request.query as { owner?: string };
    return { files: await listDriveFiles(env, owner) };
  });
  app.get(`${base}/:id`, async (request) => getDriveFile(env, (request.params as { id: string }).id));
  app.patch(`${base}/:id`, async (request) =>
    patchDriveFile(env, (request.params as { id: string }).id, readJson<DriveFilePatch>(request, FILE_PATCH)),
  );
  app.delete(`${base}/:id`, async (request) => {
    await deleteDriveFile(env, (request.params as { id: string }).id);
    return {};
  });
}
