import type { Env } from '../../env.js';
import { enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkRegistered, checkSameItem } from '../../rules/add-ons.js';
import { canSeeItem } from '../../rules/classwork.js';
import type { AddOnRow } from '../../store/add-on-repos.js';
import type { ClassworkItemRow, ItemKind } from '../../store/classwork-repos.js';
import type { Repos } from '../../store/repos.js';
import type { LoadedCourse } from '../courses/access.js';
import { openCourse, type Events } from '../course-work/items.js';

/**
 * The stream item an add-on call is about.
 *
 * Posts: in Classroom a "post" is any stream item — an announcement, a piece of course work or a
 * material — and `courses/{courseId}/posts/{postId}` names one by its id alone. The emulator keeps
 * all three kinds in one table with ids unique across kinds, so a post route looks the id up whatever
 * its kind (`kind` undefined), while `courses/{courseId}/courseWork/{itemId}` and its siblings only
 * find items of their own kind. Both spellings reach the same attachments.
 */
export interface ItemTarget {
  courseRef: string;
  /** The item named by the path. */
  itemId: string;
  /** Undefined on the posts routes: any kind. */
  kind?: ItemKind;
  /** The other spelling of the id, from the query (`postId` on item routes, `itemId` on posts routes). */
  otherId?: string;
}

/** What every add-on call loads first. */
export interface OpenedItem {
  addOn: AddOnRow;
  loaded: LoadedCourse;
  item: ClassworkItemRow;
}

/** Checks the two spellings of the item id agree (before any transaction). */
export function checkTarget(target: ItemTarget): void {
  enforce(checkSameItem(target.itemId, target.otherId, target.kind === undefined ? 'item_id' : 'post_id'));
}

/**
 * Loads the calling add-on's registration, the course and the item: PERMISSION_DENIED for a project
 * that is not an add-on, NOT_FOUND for an unknown course or an item the caller cannot see (a draft
 * for a student, a deleted item for anyone).
 */
export async function openItem(env: Env, repos: Repos, caller: Caller, target: ItemTarget, events: Events, lock = false): Promise<OpenedItem> {
  const addOn = await repos.addOns.addOn(caller.project.id);
  enforce(checkRegistered(addOn !== undefined, caller.project.id));
  const loaded = await openCourse(env, repos, caller, target.courseRef, events);
  const item = await repos.addOns.anyItem(loaded.course.id, target.itemId, lock);
  if (!item || (target.kind !== undefined && item.kind !== target.kind) || !canSeeItem(item, loaded.rel, caller.user.id)) {
    fail('NOT_FOUND', 'Requested entity was not found.');
  }
  return { addOn: addOn!, loaded, item };
}
