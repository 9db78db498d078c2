import { readPage } from '../paging.js';
import { param, type HandlerTable } from '../types.js';
import {
  createStudentGroup,
  createStudentGroupMember,
  deleteStudentGroup,
  deleteStudentGroupMember,
  listStudentGroupMembers,
  listStudentGroups,
  patchStudentGroup,
} from './service.js';

const GROUPS = 'classroom.courses.studentGroups';
const MEMBERS = `${GROUPS}.studentGroupMembers`;

/** courses.studentGroups.* and their studentGroupMembers.* — HTTP parameters in, service calls out. */
export const studentGroupsHandlers: HandlerTable = {
  [`${GROUPS}.create`]: (call) => createStudentGroup(call.env, call.caller, param(call, 'courseId'), call.body),
  // The reference's default page is 75 groups.
  [`${GROUPS}.list`]: (call) => listStudentGroups(call.env, call.caller, param(call, 'courseId'), readPage(call, { course: param(call, 'courseId') }, 75)),
  [`${GROUPS}.patch`]: (call) =>
    patchStudentGroup(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.params.updateMask, call.body),
  [`${GROUPS}.delete`]: (call) => deleteStudentGroup(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  [`${MEMBERS}.create`]: (call) =>
    createStudentGroupMember(call.env, call.caller, param(call, 'courseId'), param(call, 'studentGroupId'), call.body),
  [`${MEMBERS}.list`]: (call) =>
    listStudentGroupMembers(
      call.env,
      call.caller,
      param(call, 'courseId'),
      param(call, 'studentGroupId'),
      readPage(call, { course: param(call, 'courseId'), group: param(call, 'studentGroupId') }),
    ),
  [`${MEMBERS}.delete`]: (call) =>
    deleteStudentGroupMember(call.env, call.caller, param(call, 'courseId'), param(call, 'studentGroupId'), param(call, 'userId')),
};
