import { canOpen, isForm } from '../drive/files.js';
import type { DriveFileRow } from '../store/classwork-repos.js';
import { violation, type Verdict } from './violation.js';

/** Most materials an item (or attachments a submission) may carry. */
export const MAX_MATERIALS = 20;

/** What a material or attachment expects to find in Drive. */
export type DriveExpectation = 'file' | 'form';

/**
 * Whether a Drive file can be attached by this user: it must exist, be of the expected kind (a form
 * for a `form` material, anything but a form for a `driveFile`), and be visible to the requesting
 * user. Each cause gets its own message; all three are AttachmentNotVisible, as in production.
 */
export function checkAttachable(id: string, expect: DriveExpectation, file: DriveFileRow | undefined, requester: { email: string }): Verdict {
  if (!file) return violation('AttachmentNotVisible', `The Drive file ${id} does not exist.`);
  if (expect === 'form' && !isForm(file)) {
    return violation('AttachmentNotVisible', `The Drive file ${id} is not a Google Form, so it cannot be attached as a form.`);
  }
  if (expect === 'file' && isForm(file)) {
    return violation('AttachmentNotVisible', `The Drive file ${id} is a Google Form; attach it as a form, not as a Drive file.`);
  }
  if (!canOpen(file, requester.email)) {
    return violation('AttachmentNotVisible', `The Drive file ${id} is not shared with ${requester.email}.`);
  }
  return undefined;
}

/** No more than {@link MAX_MATERIALS} materials. */
export function checkMaterialCount(count: number, field: string): Verdict {
  if (count > MAX_MATERIALS) {
    const message = `No more than ${MAX_MATERIALS} materials may be attached; ${count} were given.`;
    return violation('INVALID_ARGUMENT', message, { fieldViolations: [{ field, description: message }] });
  }
  return undefined;
}
