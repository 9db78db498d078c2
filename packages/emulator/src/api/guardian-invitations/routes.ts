import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import { createGuardianInvitation, getGuardianInvitation, listGuardianInvitations, patchGuardianInvitation } from './service.js';

/** userProfiles.guardianInvitations.* — HTTP parameters in, service calls out. */
export const guardianInvitationsHandlers: HandlerTable = {
  'classroom.userProfiles.guardianInvitations.create': (call) =>
    createGuardianInvitation(call.env, call.caller, param(call, 'studentId'), call.body),
  'classroom.userProfiles.guardianInvitations.get': (call) =>
    getGuardianInvitation(call.env, call.caller, param(call, 'studentId'), param(call, 'invitationId')),
  'classroom.userProfiles.guardianInvitations.list': (call) => {
    const studentId = param(call, 'studentId');
    const invitedEmail = optionalParam(call, 'invitedEmailAddress') || undefined;
    const states = call.params.states as string[] | undefined;
    const query = { ...(invitedEmail ? { invitedEmail } : {}), ...(states ? { states } : {}) };
    return listGuardianInvitations(call.env, call.caller, studentId, query, readPage(call, { studentId, ...query }));
  },
  'classroom.userProfiles.guardianInvitations.patch': (call) =>
    patchGuardianInvitation(call.env, call.caller, param(call, 'studentId'), param(call, 'invitationId'), call.params.updateMask, call.body),
};
