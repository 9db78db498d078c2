import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import { getSubmission, listSubmissions, modifyAttachments, patchSubmission, reclaim, returnSubmission, turnIn } from './service.js';

const P = 'classroom.courses.courseWork.studentSubmissions';

/** courses.courseWork.studentSubmissions.* — HTTP parameters in, service calls out. */
export const studentSubmissionsHandlers: HandlerTable = {
  [`${P}.get`]: (call) => getSubmission(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id')),
  [`${P}.list`]: (call) => {
    const states = call.params.states as string[] | undefined;
    const late = optionalParam(call, 'late');
    const userId = optionalParam(call, 'userId');
    const query = {
      ...(states ? { states } : {}),
      ...(late && late !== 'LATE_VALUES_UNSPECIFIED' ? { late } : {}),
      ...(userId ? { userId } : {}),
    };
    const where = { ...query, course: param(call, 'courseId'), work: param(call, 'courseWorkId') };
    return listSubmissions(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), query, readPage(call, where));
  },
  [`${P}.patch`]: (call) =>
    patchSubmission(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id'), call.params.updateMask, call.body),
  [`${P}.turnIn`]: (call) => turnIn(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id')),
  [`${P}.reclaim`]: (call) => reclaim(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id')),
  [`${P}.return`]: (call) => returnSubmission(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id')),
  [`${P}.modifyAttachments`]: (call) =>
    modifyAttachments(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id'), call.body),
};
