import { optionalParam, param, type HandlerTable } from '../types.js';
import { createRubric, deleteRubric, getRubric, listRubrics, patchRubric } from './service.js';

const P = 'classroom.courses.courseWork';

/** courses.courseWork.rubrics.* and courses.courseWork.updateRubric — HTTP parameters in, service calls out. */
export const rubricsHandlers: HandlerTable = {
  [`${P}.rubrics.create`]: (call) => createRubric(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), call.body),
  [`${P}.rubrics.get`]: (call) => getRubric(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id')),
  [`${P}.rubrics.list`]: (call) => listRubrics(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId')),
  [`${P}.rubrics.patch`]: (call) =>
    patchRubric(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id'), call.params.updateMask, call.body),
  [`${P}.updateRubric`]: (call) =>
    patchRubric(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), optionalParam(call, 'id'), call.params.updateMask, call.body),
  [`${P}.rubrics.delete`]: (call) => deleteRubric(call.env, call.caller, param(call, 'courseId'), param(call, 'courseWorkId'), param(call, 'id')),
};
