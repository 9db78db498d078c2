import type { Env } from '../../env.js';
import { enforce, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkLongText } from '../../rules/classwork.js';
import { createItem, deleteItem, getItem, listItems, modifyAssignees, patchItem, type Input, type ItemQuery, type ItemSpec } from '../course-work/items.js';
import type { Page } from '../paging.js';
import { toAnnouncement, type Announcement } from './schema.js';

function text(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') invalidArgument('An announcement needs text.', 'announcement.text');
  enforce(checkLongText(value, 'announcement.text'));
  return value;
}

/** Announcements: text and materials posted to the stream. */
export const ANNOUNCEMENT: ItemSpec<Announcement> = {
  kind: 'ANNOUNCEMENT',
  noun: 'announcement',
  plural: 'announcements',
  prefix: 'announcement',
  patchable: ['text', 'state', 'scheduledTime'],
  orderable: ['updateTime'],
  present: toAnnouncement,
  build: (input) => ({ description: text(input.text) }),
  patchField(field, input, _current, patch) {
    if (field !== 'text') return false;
    patch.description = text(input.text);
    return true;
  },
};

/** courses.announcements.create */
export const createAnnouncement = (env: Env, caller: Caller, ref: string, input: Input) => createItem(env, caller, ref, ANNOUNCEMENT, input);
/** courses.announcements.get */
export const getAnnouncement = (env: Env, caller: Caller, ref: string, id: string) => getItem(env, caller, ref, ANNOUNCEMENT, id);
/** courses.announcements.patch */
export const patchAnnouncement = (env: Env, caller: Caller, ref: string, id: string, mask: unknown, input: Input) =>
  patchItem(env, caller, ref, ANNOUNCEMENT, id, mask, input);
/** courses.announcements.delete */
export const deleteAnnouncement = (env: Env, caller: Caller, ref: string, id: string) => deleteItem(env, caller, ref, ANNOUNCEMENT, id);
/** courses.announcements.modifyAssignees */
export const modifyAnnouncementAssignees = (env: Env, caller: Caller, ref: string, id: string, input: Input) =>
  modifyAssignees(env, caller, ref, ANNOUNCEMENT, id, input);

/** courses.announcements.list */
export async function listAnnouncements(env: Env, caller: Caller, ref: string, query: ItemQuery, page: Page) {
  const { items, nextPageToken } = await listItems(env, caller, ref, ANNOUNCEMENT, query, page);
  return { ...(items.length > 0 ? { announcements: items } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}
