import type { Env } from '../../env.js';
import { enforce } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkLongText, checkTitle } from '../../rules/classwork.js';
import { createItem, deleteItem, getItem, listItems, patchItem, type Input, type ItemQuery, type ItemSpec } from '../course-work/items.js';
import type { Page } from '../paging.js';
import { toCourseWorkMaterial, type CourseWorkMaterial } from './schema.js';

/** Course work materials: titled posts of materials, without submissions. */
export const MATERIAL: ItemSpec<CourseWorkMaterial> = {
  kind: 'MATERIAL',
  noun: 'course work material',
  plural: 'course work materials',
  prefix: 'course_work_material',
  patchable: ['title', 'description', 'state', 'scheduledTime', 'topicId'],
  orderable: ['updateTime'],
  present: toCourseWorkMaterial,
  build(input) {
    enforce(checkTitle(input.title, 'course_work_material.title'));
    enforce(checkLongText(input.description, 'course_work_material.description'));
    return {
      title: input.title as string,
      description: typeof input.description === 'string' && input.description !== '' ? input.description : null,
    };
  },
  patchField(field, input, _current, patch) {
    const value = input[field];
    if (field === 'title') {
      enforce(checkTitle(value, 'course_work_material.title'));
      patch.title = value as string;
      return true;
    }
    if (field === 'description') {
      enforce(checkLongText(value, 'course_work_material.description'));
      patch.description = typeof value === 'string' && value !== '' ? value : null;
      return true;
    }
    return false;
  },
};

/** courses.courseWorkMaterials.create */
export const createMaterial = (env: Env, caller: Caller, ref: string, input: Input) => createItem(env, caller, ref, MATERIAL, input);
/** courses.courseWorkMaterials.get */
export const getMaterial = (env: Env, caller: Caller, ref: string, id: string) => getItem(env, caller, ref, MATERIAL, id);
/** courses.courseWorkMaterials.patch */
export const patchMaterial = (env: Env, caller: Caller, ref: string, id: string, mask: unknown, input: Input) =>
  patchItem(env, caller, ref, MATERIAL, id, mask, input);
/** courses.courseWorkMaterials.delete */
export const deleteMaterial = (env: Env, caller: Caller, ref: string, id: string) => deleteItem(env, caller, ref, MATERIAL, id);

/** courses.courseWorkMaterials.list */
export async function listMaterials(env: Env, caller: Caller, ref: string, query: ItemQuery, page: Page) {
  const { items, nextPageToken } = await listItems(env, caller, ref, MATERIAL, query, page);
  return { ...(items.length > 0 ? { courseWorkMaterial: items } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}
