import type { LanguagePack } from './index.js';

// Written for whoever sees the error: a teacher in the app's UI as much as a developer reading logs. The
// specification pages are only the source of facts; every sentence here is the project's own.
export const en: LanguagePack = {
  CourseNotModifiable: {
    title: 'Course is locked',
    cause:
      'The course is archived or otherwise locked, so Classroom refuses edits to its content and roster. Only its courseState can still be changed.',
    action:
      'Make the course active again by calling courses.patch with updateMask=courseState and courseState set to ACTIVE, then repeat the request. Other edits can ride along in that same patch.',
  },
  PendingInvitationExists: {
    title: 'Ownership transfer already pending',
    cause:
      'An invitation to take over this course has already gone out and its recipient has not accepted it yet. A course can have only one open ownership transfer at a time.',
    action:
      'Wait for the invitee to accept, or withdraw the open invitation with invitations.delete and then start the new transfer.',
  },
  CourseMemberLimitReached: {
    title: 'Course is full',
    cause:
      'Adding this person would take the course past its cap on members, where teachers and students count together (normally 1,000).',
    action:
      'Remove students or teachers who no longer need to be in the course (an app can do this with courses.students.delete, for example), then add the person again.',
  },
  CourseTeacherLimitReached: {
    title: 'Too many teachers',
    cause: 'The course already has the largest number of teachers it may have (20 by default), so no other can join.',
    action:
      'Free a seat by removing a co-teacher who is no longer needed, which an app can do with courses.teachers.delete, and then try again.',
  },
  UserGroupsMembershipLimitReached: {
    title: 'User is in too many groups',
    cause:
      'Every course membership also counts as a Google Groups membership, and this account has hit the most groups it can be in. It cannot create or join another course.',
    action:
      'Ask the user to leave courses they no longer attend (an app can take them out with courses.students.delete). A second account is another way to take on extra courses.',
  },
  AttachmentNotVisible: {
    title: 'Attachment not accessible',
    cause:
      'At least one attached item is missing, is not the kind of item expected, or is hidden from the person making the request. Most often it is a Drive file that was never shared with them.',
    action:
      'Look for typos in the attachment IDs, such as Drive file IDs, and make sure the file is shared with this user. Then send the request again.',
  },
  CannotRemoveCourseFolderOwner: {
    title: 'Teacher owns the course folder',
    cause:
      "This teacher owns the course's folder in Google Drive, and Classroom will not take the folder's owner off the course.",
    action: 'First make another teacher the owner of that Drive folder, then repeat the removal.',
  },
  CannotRemoveCourseOwner: {
    title: 'Owner cannot be removed',
    cause:
      'The teacher being removed owns the course, and an owner cannot be taken off their own course. This mostly happens when teachers try to remove themselves.',
    action:
      'Give the course a new owner first by setting ownerId with courses.patch; that person must already teach the course. After that, the former owner can be removed.',
  },
  CannotRemoveCourseOwnerTransferIncomplete: {
    title: 'Ownership transfer still running',
    cause:
      'The course is being handed to a new owner in the background, and the previous owner cannot be removed until that has finished.',
    action:
      'Wait a few minutes for the handover to complete, then repeat the removal. Trying again right away fails the same way.',
  },
  CannotRemoveTeacherWithNoCourseOwner: {
    title: 'Course has no active owner',
    cause:
      "The course has no working owner at the moment, usually because the owner's account was deleted, and Classroom blocks teacher removals in that state.",
    action:
      "Ask a Google Workspace administrator to restore the owner's account or to give the course a new owner. After that, the teacher can be removed.",
  },
  InactiveCourseOwner: {
    title: "Owner's account is inactive",
    cause:
      'The account that owns this course has been deleted or suspended, so Classroom does not allow this change to the course.',
    action:
      "An administrator of the owner's domain has to restore that account. Once it is active again, repeat the request.",
  },
  IneligibleOwner: {
    title: 'New owner is not a teacher',
    cause:
      'Only someone who already teaches the course can become its owner, and the person named is not one of its teachers.',
    action:
      'Make that person a co-teacher first: an administrator can add them directly with courses.teachers.create, anyone else invites them as a teacher. Once they have joined, transfer the ownership again.',
  },
  UserCannotOwnCourse: {
    title: 'Owner not allowed',
    cause:
      'The account named as owner cannot be given this course. Someone who is not an administrator may only create courses they will own themselves; for an administrator, the named account does not exist or is in another domain.',
    action:
      'Create the course with yourself as owner (ownerId me). If you are an administrator, check that the account exists and belongs to your domain.',
  },
  CourseTitleCannotContainUrl: {
    title: 'Link in course title',
    cause: 'Classroom does not accept course titles that contain a web address.',
    action: 'Take the link out of the title and save the course again.',
  },
  CourseTopicLimitReached: {
    title: 'Too many topics',
    cause: 'The course already has as many topics as Classroom permits, so a new one cannot be added.',
    action: 'Delete topics nobody uses any more, for example with courses.topics.delete, or reuse an existing topic.',
  },
  EmptyAssignees: {
    title: 'Nobody would be assigned',
    cause: 'This change would take the last student off the list of people the item is assigned to, and an item must reach at least one student.',
    action: 'Keep at least one student in the list, or assign the item to the whole class with courses.courseWork.modifyAssignees and assigneeMode ALL_STUDENTS.',
  },
  RubricCriteriaInvalidFormat: {
    title: 'Rubric is badly shaped',
    cause: 'A criterion lacks a title or levels, or only some levels carry points, or two levels of one criterion are worth the same.',
    action: 'Give every criterion a title and at least one level, put points on all levels or on none, and keep point values distinct within a criterion.',
  },
  MissingGrant: {
    title: 'OAuth grant missing',
    cause:
      'Classroom found no grant from this user to your Cloud project that covers the scopes the notification feed needs. Registrations made by a service account through domain-wide delegation run into this, because they carry no consent from the user.',
    action:
      "Have the user authorize your app with the feed's scopes through the normal OAuth consent screen, then call registrations.create with that user's own token.",
  },
  ClassroomDisabled: {
    title: 'Classroom not available',
    cause:
      'This account is not allowed to use Google Classroom, for example because the service is switched off for it in the Admin console.',
    action:
      'Ask your Google Workspace administrator to turn Classroom on for your account, or sign in with an account that has it.',
  },
  ClassroomApiDisabled: {
    title: 'Classroom API turned off',
    cause: "An administrator of the user's domain has switched off access to Classroom data through the API.",
    action:
      "Ask the domain's administrator to allow Classroom API access in the Admin console. The app has no way around this setting.",
  },
  CannotDirectAddUser: {
    title: 'Invitation needed',
    cause:
      'This person cannot be put into the course directly, for example because they are outside your domain or have no email address on record.',
    action: 'Send them an invitation with invitations.create instead; they join the course once they accept it.',
  },
  ProjectPermissionDenied: {
    title: 'Item belongs to another project',
    cause:
      'The item was created by a different Google Cloud project, and coursework and its submissions can only be changed by the project that created them.',
    action:
      "Change it from the app that created it, or have your app create an item of its own. This project's credentials cannot modify it.",
  },
  UserIneligibleToUpdateGradingPeriodSettings: {
    title: 'No licence for grading periods',
    cause:
      'Changing grading period settings takes a paid Google Workspace for Education licence, and this user does not have one.',
    action:
      'Ask an administrator to assign the licence to this user, or have a licensed teacher of the course change the settings.',
  },
  InsufficientScopes: {
    title: 'OAuth scopes missing',
    cause: 'The access token was issued without any of the OAuth scopes this method requires.',
    action:
      "Add the needed scope to your app's authorization request, have the user consent again, and retry with the new token. Each method's reference page lists the scopes it accepts.",
  },
  UserCourseJoinRateLimitReached: {
    title: 'Daily join limit reached',
    cause: 'Today this user has already joined as many courses as Classroom permits within a single day.',
    action:
      'Wait one full day before adding or enrolling this user again. Earlier attempts fail and only use up quota.',
  },
  ProjectRateLimitExceeded: {
    title: 'Project request rate exceeded',
    cause: 'Your Cloud project sent more requests per minute than its Classroom API quota allows.',
    action:
      'Retry with exponential backoff and random jitter, and spread the requests out over time. If normal traffic needs more, request a quota increase in the Google Cloud console.',
  },
  UserRateLimitExceeded: {
    title: 'Per-user request rate exceeded',
    cause: 'Too many requests were made on behalf of this one user within a minute.',
    action:
      'Slow down for this user and retry with exponential backoff plus jitter. A larger per-user quota can be requested in the Google Cloud console.',
  },
  DailyLimitExceeded: {
    title: 'Daily quota used up',
    cause: 'Your Cloud project has spent its whole daily allowance of Classroom API requests.',
    action:
      'Requests go through again once the daily quota resets, so pause until then rather than retrying. If this keeps happening, request a quota increase in the Google Cloud console.',
  },
  INVALID_ARGUMENT: {
    title: 'Invalid request',
    cause:
      'A field or parameter of the request holds a value the API does not accept, such as a malformed ID or a missing required field.',
    action:
      'Correct the request with the help of the error details, which often name the offending field. Sent unchanged, it fails again.',
  },
  FAILED_PRECONDITION: {
    title: 'Not possible right now',
    cause: 'The request itself is valid, but the current state of the course or the user does not allow it.',
    action:
      'Read the error message for the exact condition, have the user change that state, and then try again. Repeating the request as it is will not help.',
  },
  OUT_OF_RANGE: {
    title: 'Value out of range',
    cause:
      'A value in the request lies outside the range the API accepts, for example a page size that is too large or a date that is not allowed.',
    action: 'Keep the value within the documented limits and send the corrected request.',
  },
  UNAUTHENTICATED: {
    title: 'Sign-in required',
    cause: 'The request carried no valid credentials: the access token is missing, has expired or was revoked.',
    action: 'Refresh the access token, or ask the user to sign in again, then repeat the request.',
  },
  PERMISSION_DENIED: {
    title: 'Permission denied',
    cause: 'The signed-in user is not allowed to do this to this course or item.',
    action:
      "Check the user's role in the course (teacher, owner or administrator). Without it, someone who has that role must do it or grant access.",
  },
  NOT_FOUND: {
    title: 'Not found',
    cause: 'The course, user or item the request refers to does not exist, or this user cannot see it.',
    action: 'Check the IDs in the request; the item may have been deleted, or the user may have no access to it.',
  },
  ALREADY_EXISTS: {
    title: 'Already exists',
    cause:
      'What the request tries to create is already there, for example the user is already in the course or already has an invitation to it.',
    action: 'Treat this as success, or fetch the existing item instead of creating it again.',
  },
  ABORTED: {
    title: 'Conflicting change',
    cause: 'The request was stopped because it clashed with another change made at the same moment.',
    action: 'Retry after a short pause using exponential backoff with jitter; a later attempt normally succeeds.',
  },
  RESOURCE_EXHAUSTED: {
    title: 'Resource limit reached',
    cause:
      'A quota or some other limit ran out while the request was handled, typically because too many requests came in too quickly.',
    action:
      'Send fewer requests and retry with exponential backoff and jitter. If the limit is a quota, you can request an increase in the Google Cloud console.',
  },
  CANCELLED: {
    title: 'Request cancelled',
    cause:
      'The request was cancelled before it finished, most often by the calling app itself through an abort or a closed connection.',
    action:
      'Nothing needs doing if the cancellation was intended. Otherwise find out why the app aborted the call, and send it again.',
  },
  DEADLINE_EXCEEDED: {
    title: 'Request timed out',
    cause: 'The server could not finish the request before its time limit ran out.',
    action:
      'Retry with exponential backoff and jitter, but before repeating a call that creates something, check whether the first attempt already took effect. If timeouts keep coming, make requests smaller, such as fewer items per page.',
  },
  UNIMPLEMENTED: {
    title: 'Not supported',
    cause: 'The API does not support this method or this combination of options.',
    action: 'Look in the Classroom API reference for a supported way to do this. Retrying will not help.',
  },
  INTERNAL: {
    title: 'Classroom server error',
    cause:
      'Something went wrong inside Classroom while it handled the request; the request itself is not necessarily at fault.',
    action:
      'Retry with exponential backoff and jitter, which usually clears it. If the error persists, report it on the public Classroom API issue tracker.',
  },
  UNAVAILABLE: {
    title: 'Service unavailable',
    cause: 'Classroom cannot take requests for the moment, for example because of overload or maintenance.',
    action: 'Wait briefly, then retry with exponential backoff and jitter.',
  },
  UNKNOWN: {
    title: 'Unknown error',
    cause: 'The server reported a failure without saying what kind it was.',
    action:
      'Retry with exponential backoff and jitter. If it keeps happening, record the full response and report the problem.',
  },
  DATA_LOSS: {
    title: 'Data loss',
    cause: 'The server reported that data was lost or corrupted while it handled the request.',
    action:
      'Do not retry automatically. Check the affected item and report the problem to Google together with the full error response.',
  },
  NetworkError: {
    title: 'Network error',
    cause:
      'The connection failed before Classroom sent any response, for example because it dropped, DNS lookup failed, or it timed out.',
    action: 'Check the network connection, then retry with exponential backoff and jitter.',
  },
};
