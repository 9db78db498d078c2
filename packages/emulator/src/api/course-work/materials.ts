import { alternateLink, fileIdFromUrl, formUrl, isForm, thumbnailUrl } from '../../drive/files.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkAttachable, checkMaterialCount, type DriveExpectation } from '../../rules/attachments.js';
import type { Repos } from '../../store/repos.js';

/** A material of course work, an announcement or a course work material, as the API shows it. */
export type Material =
  | { driveFile: { driveFile: DriveFileRef; shareMode: string } }
  | { youtubeVideo: VideoRef }
  | { link: LinkRef }
  | { form: FormRef };

/** An attachment of a student's assignment work, as the API shows it. */
export type Attachment = { driveFile: DriveFileRef } | { youTubeVideo: VideoRef } | { link: LinkRef };

interface DriveFileRef {
  id: string;
  title: string;
  alternateLink: string;
  thumbnailUrl: string;
}
interface VideoRef {
  id: string;
  alternateLink: string;
  thumbnailUrl: string;
}
interface LinkRef {
  url: string;
  title: string;
  thumbnailUrl: string;
}
interface FormRef {
  formUrl: string;
  title: string;
  thumbnailUrl: string;
}

type Input = Record<string, unknown>;

function obj(value: unknown): Input | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Input) : undefined;
}

/** Looks a Drive file up and checks it may be attached by the caller. */
async function driveRef(repos: Repos, caller: Caller, id: string, expect: DriveExpectation): Promise<DriveFileRef> {
  const file = await repos.drive.byId(id);
  enforce(checkAttachable(id, expect, file, caller.user));
  return { id, title: file!.title, alternateLink: alternateLink(file!), thumbnailUrl: thumbnailUrl(file!) };
}

function video(id: string): VideoRef {
  return { id, alternateLink: `https://www.youtube.com/watch?v=${id}`, thumbnailUrl: `https://i.ytimg.com/vi/${id}/default.jpg` };
}

function checkedUrl(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2024) invalidArgument('A link needs a URL of 1 to 2024 characters.', field);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    invalidArgument(`"${raw}" is not a valid URL.`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') invalidArgument(`"${raw}" is not an http or https URL.`, field);
  return raw;
}

/** A YouTube watch or short link's video id: links to videos are upgraded to video materials. */
function youtubeId(url: string): string | undefined {
  const match = /^https?:\/\/(?:www\.)?(?:youtube\.com\/watch\?(?:.*&)?v=|youtu\.be\/)([A-Za-z0-9_-]{6,})/.exec(url);
  return match?.[1];
}

/**
 * Differs from production: link titles are not fetched from the web; the URL stands in for the
 * page title, and YouTube videos carry no title.
 */
function link(url: string): LinkRef {
  return { url, title: url, thumbnailUrl: `https://classroom.google.com/webthumbnail?url=${encodeURIComponent(url)}` };
}

/**
 * A link to a Docs, Sheets, Slides or Forms file of the emulated Drive becomes that file's material,
 * as production upgrades links on creation; the file must then be visible like any other. Links to
 * files the emulated Drive does not hold stay links.
 */
async function driveLink(repos: Repos, caller: Caller, url: string): Promise<Material | undefined> {
  const id = fileIdFromUrl(url);
  const file = id ? await repos.drive.byId(id) : undefined;
  if (!id || !file) return undefined;
  if (isForm(file)) {
    const ref = await driveRef(repos, caller, id, 'form');
    return { form: { formUrl: formUrl({ id }), title: ref.title, thumbnailUrl: ref.thumbnailUrl } };
  }
  return { driveFile: { driveFile: await driveRef(repos, caller, id, 'file'), shareMode: 'VIEW' } };
}

/**
 * Checks the materials of a new or changed item and returns them as the API will show them, with the
 * Drive details filled in. Drive files and forms must exist, be of the right kind and be visible to
 * the caller (AttachmentNotVisible otherwise).
 */
export async function resolveMaterials(repos: Repos, caller: Caller, input: unknown, field: string, options: { studentCopy: boolean }): Promise<Material[]> {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) invalidArgument('materials must be a list.', field);
  enforce(checkMaterialCount(input.length, field));
  const out: Material[] = [];
  for (const [i, raw] of input.entries()) {
    const at = `${field}[${i}]`;
    const material = obj(raw) ?? {};
    const kinds = Object.keys(material).filter((k) => material[k] !== undefined && material[k] !== null);
    if (kinds.length !== 1) invalidArgument('Each material must set exactly one of driveFile, youtubeVideo, link or form.', at);
    const kind = kinds[0]!;
    const value = obj(material[kind]) ?? {};
    switch (kind) {
      case 'driveFile': {
        const id = obj(value.driveFile)?.id;
        if (typeof id !== 'string' || id === '') invalidArgument('A Drive file material needs driveFile.id.', `${at}.drive_file.drive_file.id`);
        const shareMode = typeof value.shareMode === 'string' && value.shareMode !== 'UNKNOWN_SHARE_MODE' ? value.shareMode : 'VIEW';
        if (shareMode === 'STUDENT_COPY' && !options.studentCopy) {
          invalidArgument('STUDENT_COPY is only available for course work.', `${at}.drive_file.share_mode`);
        }
        out.push({ driveFile: { driveFile: await driveRef(repos, caller, id, 'file'), shareMode } });
        break;
      }
      case 'youtubeVideo': {
        const id = value.id;
        if (typeof id !== 'string' || id === '') invalidArgument('A YouTube material needs the video id.', `${at}.youtube_video.id`);
        out.push({ youtubeVideo: video(id) });
        break;
      }
      case 'link': {
        const url = checkedUrl(value.url, `${at}.link.url`);
        const videoId = youtubeId(url);
        const upgraded = videoId ? undefined : await driveLink(repos, caller, url);
        out.push(videoId ? { youtubeVideo: video(videoId) } : (upgraded ?? { link: link(url) }));
        break;
      }
      case 'form': {
        // Differs from production: the reference treats `form` as read-only; the emulator accepts a
        // form given by its address so that forms in the emulated Drive can be attached and checked.
        const address = value.formUrl;
        if (typeof address !== 'string' || address === '') invalidArgument('A form material needs formUrl.', `${at}.form.form_url`);
        const id = fileIdFromUrl(address);
        if (!id) fail('AttachmentNotVisible', `The address ${address} does not name a Google Form.`);
        const ref = await driveRef(repos, caller, id, 'form');
        out.push({ form: { formUrl: formUrl({ id }), title: ref.title, thumbnailUrl: ref.thumbnailUrl } });
        break;
      }
      default:
        invalidArgument(`Materials of type ${kind} cannot be attached through the API.`, at);
    }
  }
  return out;
}

/** Checks attachments a student adds to their work (modifyAttachments). Forms are not accepted. */
export async function resolveAttachments(repos: Repos, caller: Caller, input: unknown, field: string): Promise<Attachment[]> {
  if (!Array.isArray(input) || input.length === 0) invalidArgument('addAttachments must list at least one attachment.', field);
  const out: Attachment[] = [];
  for (const [i, raw] of input.entries()) {
    const at = `${field}[${i}]`;
    const attachment = obj(raw) ?? {};
    const kinds = Object.keys(attachment).filter((k) => attachment[k] !== undefined && attachment[k] !== null);
    if (kinds.length !== 1) invalidArgument('Each attachment must set exactly one of driveFile, youTubeVideo or link.', at);
    const kind = kinds[0]!;
    const value = obj(attachment[kind]) ?? {};
    if (kind === 'driveFile') {
      const id = value.id;
      if (typeof id !== 'string' || id === '') invalidArgument('A Drive file attachment needs its id.', `${at}.drive_file.id`);
      out.push({ driveFile: await driveRef(repos, caller, id, 'file') });
    } else if (kind === 'youTubeVideo') {
      const id = value.id;
      if (typeof id !== 'string' || id === '') invalidArgument('A YouTube attachment needs the video id.', `${at}.you_tube_video.id`);
      out.push({ youTubeVideo: video(id) });
    } else if (kind === 'link') {
      const url = checkedUrl(value.url, `${at}.link.url`);
      const videoId = youtubeId(url);
      out.push(videoId ? { youTubeVideo: video(videoId) } : { link: link(url) });
    } else {
      invalidArgument(`Attachments of type ${kind} cannot be added to student work.`, at);
    }
  }
  return out;
}
