import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import { deleteGuardian, getGuardian, listGuardians } from './service.js';

/** userProfiles.guardians.* — HTTP parameters in, service calls out. */
export const guardiansHandlers: HandlerTable = {
  'classroom.userProfiles.guardians.list': (call) => {
    const studentId = param(call, 'studentId');
    const invitedEmail = optionalParam(call, 'invitedEmailAddress') || undefined;
    return listGuardians(call.env, call.caller, studentId, invitedEmail, readPage(call, { studentId, invitedEmail }));
  },
  'classroom.userProfiles.guardians.get': (call) => getGuardian(call.env, call.caller, param(call, 'studentId'), param(call, 'guardianId')),
  'classroom.userProfiles.guardians.delete': (call) => deleteGuardian(call.env, call.caller, param(call, 'studentId'), param(call, 'guardianId')),
};
