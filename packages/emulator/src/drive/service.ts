import type { Env } from '../env.js';
import { fail, invalidArgument } from '../failure.js';
import type { DriveFileRow } from '../store/classwork-repos.js';
import { newDriveId, toAdminFile, type AdminDriveFile } from './files.js';

/** What the admin API accepts to create a file. */
export interface DriveFileInput {
  title: string;
  mimeType: string;
  owner: string;
  sharedWith?: string[];
  anyoneWithLink?: boolean;
  /** A fixed id, for fixtures that must name the same file every run. */
  id?: string;
}

/** What the admin API accepts to change a file (sharing, title, owner). */
export interface DriveFilePatch {
  title?: string;
  owner?: string;
  sharedWith?: string[];
  anyoneWithLink?: boolean;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

function addresses(list: readonly string[] | undefined, field: string): string[] {
  const out = new Set<string>();
  for (const [i, email] of (list ?? []).entries()) {
    if (!EMAIL.test(email)) invalidArgument(`"${email}" is not an email address.`, `${field}[${i}]`);
    out.add(email.toLowerCase());
  }
  return [...out];
}

/**
 * Creates a file in the emulated Drive.
 *
 * @example
 * ```ts
 * await createDriveFile(env, { title: 'Essay', mimeType: MIME.document, owner: 'ada@school.example' });
 * ```
 */
export async function createDriveFile(env: Env, input: DriveFileInput): Promise<AdminDriveFile> {
  if (!EMAIL.test(input.owner)) invalidArgument(`"${input.owner}" is not an email address.`, 'owner');
  const now = env.clock.now();
  const row: DriveFileRow = {
    id: input.id ?? newDriveId((n, alphabet) => env.ids.text(n, alphabet)),
    title: input.title,
    mime_type: input.mimeType,
    owner_email: input.owner.toLowerCase(),
    shared_with: JSON.stringify(addresses(input.sharedWith, 'sharedWith')),
    anyone_with_link: input.anyoneWithLink ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  return env.store.transaction(async (repos) => {
    if (await repos.drive.byId(row.id)) fail('ALREADY_EXISTS', `A Drive file with id ${row.id} already exists.`);
    await repos.drive.insert(row);
    return toAdminFile(row);
  });
}

/** Every file, or one owner's. */
export async function listDriveFiles(env: Env, owner?: string): Promise<AdminDriveFile[]> {
  const rows = await env.store.read.drive.list(owner ? { owner: owner.toLowerCase() } : {}, { offset: 0, limit: 100_000 });
  return rows.map(toAdminFile);
}

/** One file; NOT_FOUND when it does not exist. */
export async function getDriveFile(env: Env, id: string): Promise<AdminDriveFile> {
  const row = await env.store.read.drive.byId(id);
  if (!row) fail('NOT_FOUND', `No Drive file ${id}.`);
  return toAdminFile(row);
}

/** Changes a file's title, owner or sharing; materials already attached keep the title they showed. */
export async function patchDriveFile(env: Env, id: string, patch: DriveFilePatch): Promise<AdminDriveFile> {
  return env.store.transaction(async (repos) => {
    const row = await repos.drive.byId(id);
    if (!row) fail('NOT_FOUND', `No Drive file ${id}.`);
    const changes: Partial<DriveFileRow> = { updated_at: env.clock.now() };
    if (patch.title !== undefined) changes.title = patch.title;
    if (patch.owner !== undefined) {
      if (!EMAIL.test(patch.owner)) invalidArgument(`"${patch.owner}" is not an email address.`, 'owner');
      changes.owner_email = patch.owner.toLowerCase();
    }
    if (patch.sharedWith !== undefined) changes.shared_with = JSON.stringify(addresses(patch.sharedWith, 'sharedWith'));
    if (patch.anyoneWithLink !== undefined) changes.anyone_with_link = patch.anyoneWithLink ? 1 : 0;
    await repos.drive.update(id, changes);
    return toAdminFile({ ...row, ...changes });
  });
}

/** Deletes a file; materials that point at it keep their captured details, as a trashed file's do. */
export async function deleteDriveFile(env: Env, id: string): Promise<void> {
  const deleted = await env.store.transaction((repos) => repos.drive.delete(id));
  if (deleted === 0) fail('NOT_FOUND', `No Drive file ${id}.`);
}
