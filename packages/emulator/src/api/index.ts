import { addOnsHandlers } from './add-ons/routes.js';
import { aliasesHandlers } from './aliases/routes.js';
import { announcementsHandlers } from './announcements/routes.js';
import { courseWorkMaterialsHandlers } from './course-work-materials/routes.js';
import { courseWorkHandlers } from './course-work/routes.js';
import { coursesHandlers } from './courses/routes.js';
import { guardianInvitationsHandlers } from './guardian-invitations/routes.js';
import { guardiansHandlers } from './guardians/routes.js';
import { invitationsHandlers } from './invitations/routes.js';
import { registrationsHandlers } from './registrations/routes.js';
import { rubricsHandlers } from './rubrics/routes.js';
import { studentGroupsHandlers } from './student-groups/routes.js';
import { studentSubmissionsHandlers } from './student-submissions/routes.js';
import { studentsHandlers } from './students/routes.js';
import { teachersHandlers } from './teachers/routes.js';
import { topicsHandlers } from './topics/routes.js';
import type { HandlerTable } from './types.js';
import { userProfilesHandlers } from './user-profiles/routes.js';

/**
 * Every implemented Classroom method, keyed by discovery id. A method missing here answers
 * 501 UNIMPLEMENTED (and shows as not implemented in /emulator/v1/coverage).
 */
export const HANDLERS: HandlerTable = {
  ...coursesHandlers,
  ...aliasesHandlers,
  ...userProfilesHandlers,
  ...guardiansHandlers,
  ...guardianInvitationsHandlers,
  ...studentsHandlers,
  ...teachersHandlers,
  ...invitationsHandlers,
  ...registrationsHandlers,
  ...topicsHandlers,
  ...courseWorkHandlers,
  ...studentSubmissionsHandlers,
  ...courseWorkMaterialsHandlers,
  ...announcementsHandlers,
  ...rubricsHandlers,
  ...studentGroupsHandlers,
  ...addOnsHandlers,
};
