import type { ItemKind } from '../../store/classwork-repos.js';
import { readPage } from '../paging.js';
import { optionalParam, param, type ApiCall, type Handler, type HandlerTable } from '../types.js';
import type { ItemTarget } from './items.js';
import { createAttachment, deleteAttachment, getAddOnContext, getAttachment, listAttachments, patchAttachment } from './service.js';
import { getAddOnSubmission, patchAddOnSubmission } from './submissions.js';

/**
 * The four resources add-on methods hang under: three item kinds, each naming its item `itemId` (with
 * the deprecated `postId` as a query parameter), and `posts`, which names any item `postId` (with
 * `itemId` as a query parameter). See items.ts for how a post maps onto the items.
 */
const RESOURCES: readonly { resource: string; kind?: ItemKind }[] = [
  { resource: 'courseWork', kind: 'COURSE_WORK' },
  { resource: 'courseWorkMaterials', kind: 'MATERIAL' },
  { resource: 'announcements', kind: 'ANNOUNCEMENT' },
  { resource: 'posts' },
];

function targetOf(call: ApiCall, kind: ItemKind | undefined): ItemTarget {
  const [path, query] = kind === undefined ? ['postId', 'itemId'] : ['itemId', 'postId'];
  const other = optionalParam(call, query);
  return { courseRef: param(call, 'courseId'), itemId: param(call, path), ...(kind ? { kind } : {}), ...(other !== undefined ? { otherId: other } : {}) };
}

function handlersFor(resource: string, kind: ItemKind | undefined): Record<string, Handler> {
  const id = `classroom.courses.${resource}`;
  const target = (call: ApiCall) => targetOf(call, kind);
  const table: Record<string, Handler> = {
    [`${id}.getAddOnContext`]: (call) => getAddOnContext(call.env, call.caller, target(call), optionalParam(call, 'addOnToken'), optionalParam(call, 'attachmentId')),
    [`${id}.addOnAttachments.create`]: (call) => createAttachment(call.env, call.caller, target(call), optionalParam(call, 'addOnToken'), call.body),
    [`${id}.addOnAttachments.get`]: (call) => getAttachment(call.env, call.caller, target(call), param(call, 'attachmentId')),
    [`${id}.addOnAttachments.list`]: (call) => {
      const t = target(call);
      return listAttachments(call.env, call.caller, t, readPage(call, { course: t.courseRef, item: t.itemId }, 20));
    },
    [`${id}.addOnAttachments.patch`]: (call) => patchAttachment(call.env, call.caller, target(call), param(call, 'attachmentId'), call.params.updateMask, call.body),
    [`${id}.addOnAttachments.delete`]: (call) => deleteAttachment(call.env, call.caller, target(call), param(call, 'attachmentId')),
  };
  // Student work exists on course work only, but the posts routes reach course work too.
  if (kind === 'COURSE_WORK' || kind === undefined) {
    table[`${id}.addOnAttachments.studentSubmissions.get`] = (call) =>
      getAddOnSubmission(call.env, call.caller, target(call), param(call, 'attachmentId'), param(call, 'submissionId'));
    table[`${id}.addOnAttachments.studentSubmissions.patch`] = (call) =>
      patchAddOnSubmission(call.env, call.caller, target(call), param(call, 'attachmentId'), param(call, 'submissionId'), call.params.updateMask, call.body);
  }
  return table;
}

/** Every add-on method: addOnAttachments, their student submissions and getAddOnContext, per resource. */
export const addOnsHandlers: HandlerTable = Object.assign({}, ...RESOURCES.map(({ resource, kind }) => handlersFor(resource, kind)));
