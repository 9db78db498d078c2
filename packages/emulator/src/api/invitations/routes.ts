import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import { acceptInvitation, createInvitation, deleteInvitation, getInvitation, listInvitations } from './service.js';

/** invitations.* — HTTP parameters in, service calls out. */
export const invitationsHandlers: HandlerTable = {
  'classroom.invitations.create': (call) => createInvitation(call.env, call.caller, call.body),
  'classroom.invitations.get': (call) => getInvitation(call.env, call.caller, param(call, 'id')),
  'classroom.invitations.list': (call) => {
    const userId = optionalParam(call, 'userId');
    const courseId = optionalParam(call, 'courseId');
    const query = { ...(userId ? { userId } : {}), ...(courseId ? { courseId } : {}) };
    // Production's default page of invitations is 500.
    return listInvitations(call.env, call.caller, query, readPage(call, query, 500));
  },
  'classroom.invitations.delete': (call) => deleteInvitation(call.env, call.caller, param(call, 'id')),
  'classroom.invitations.accept': (call) => acceptInvitation(call.env, call.caller, param(call, 'id')),
};
