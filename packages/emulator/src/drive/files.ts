import type { DriveFileRow } from '../store/classwork-repos.js';

/** Google editor types and a few common uploads; any other MIME type is accepted as an upload. */
export const MIME = {
  document: 'application/vnd.google-apps.document',
  spreadsheet: 'application/vnd.google-apps.spreadsheet',
  presentation: 'application/vnd.google-apps.presentation',
  form: 'application/vnd.google-apps.form',
  drawing: 'application/vnd.google-apps.drawing',
  folder: 'application/vnd.google-apps.folder',
  pdf: 'application/pdf',
  png: 'image/png',
} as const;

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';

/** The shape of a Drive id: 33 characters of the URL-safe alphabet, starting with `1` as new ids do. */
export const DRIVE_ID_PATTERN = /^[A-Za-z0-9_-]{10,64}$/;

/**
 * A new Drive-like id from the emulator's seeded id source.
 *
 * @example
 * ```ts
 * newDriveId((n, alphabet) => env.ids.text(n, alphabet)); // '1Xk…' (33 characters)
 * ```
 */
export function newDriveId(text: (length: number, alphabet: string) => string): string {
  return `1${text(32, ID_ALPHABET)}`;
}

/** True for a Google Form. */
export function isForm(file: Pick<DriveFileRow, 'mime_type'>): boolean {
  return file.mime_type === MIME.form;
}

/** Where a file opens in the browser, per its type (as Drive builds `webViewLink`). */
export function alternateLink(file: Pick<DriveFileRow, 'id' | 'mime_type'>): string {
  switch (file.mime_type) {
    case MIME.document:
      return `https://docs.google.com/document/d/${file.id}/edit`;
    case MIME.spreadsheet:
      return `https://docs.google.com/spreadsheets/d/${file.id}/edit`;
    case MIME.presentation:
      return `https://docs.google.com/presentation/d/${file.id}/edit`;
    case MIME.form:
      return `https://docs.google.com/forms/d/${file.id}/edit`;
    case MIME.drawing:
      return `https://docs.google.com/drawings/d/${file.id}/edit`;
    case MIME.folder:
      return `https://drive.google.com/drive/folders/${file.id}`;
    default:
      return `https://drive.google.com/file/d/${file.id}/view?usp=drive_web`;
  }
}

/** The form's public address (what a `form` material carries as `formUrl`). */
export function formUrl(file: Pick<DriveFileRow, 'id'>): string {
  return `https://docs.google.com/forms/d/${file.id}/viewform`;
}

/** The Drive file id inside a Forms or Docs address, or undefined when it names none. */
export function fileIdFromUrl(url: string): string | undefined {
  const match = /^https:\/\/docs\.google\.com\/(?:forms|document|spreadsheets|presentation|drawings)\/d\/(?:e\/)?([A-Za-z0-9_-]+)/.exec(url);
  return match?.[1];
}

/** A thumbnail address; the emulator serves no images, the link only has production's shape. */
export function thumbnailUrl(file: Pick<DriveFileRow, 'id'>): string {
  return `https://drive.google.com/thumbnail?id=${file.id}&sz=s200`;
}

/** The addresses a file is shared with. */
export function sharedWith(file: Pick<DriveFileRow, 'shared_with'>): string[] {
  return JSON.parse(file.shared_with) as string[];
}

/**
 * Whether a user can open a file: its owner, someone it is shared with, or anyone when link sharing
 * is on.
 *
 * Differs from production: no domain-wide sharing, groups or shared drives; ownership is by address.
 */
export function canOpen(file: DriveFileRow, email: string): boolean {
  const address = email.toLowerCase();
  return file.anyone_with_link === 1 || file.owner_email === address || sharedWith(file).includes(address);
}

/** The admin API's view of a file. */
export interface AdminDriveFile {
  id: string;
  title: string;
  mimeType: string;
  owner: string;
  sharedWith: string[];
  anyoneWithLink: boolean;
  alternateLink: string;
  thumbnailUrl: string;
  createdTime: string;
  modifiedTime: string;
}

/** Maps a row to the admin view. */
export function toAdminFile(row: DriveFileRow): AdminDriveFile {
  return {
    id: row.id,
    title: row.title,
    mimeType: row.mime_type,
    owner: row.owner_email,
    sharedWith: sharedWith(row),
    anyoneWithLink: row.anyone_with_link === 1,
    alternateLink: alternateLink(row),
    thumbnailUrl: thumbnailUrl(row),
    createdTime: new Date(row.created_at).toISOString(),
    modifiedTime: new Date(row.updated_at).toISOString(),
  };
}
