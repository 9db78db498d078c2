import { readPage } from '../paging.js';
import { optionalParam, param, type ApiCall, type HandlerTable } from '../types.js';
import type { ItemQuery } from './items.js';
import {
  createCourseWork,
  deleteCourseWork,
  getCourseWork,
  listCourseWork,
  modifyCourseWorkAssignees,
  patchCourseWork,
} from './service.js';

/** The list filters of an item listing, read from its parameters. */
export function itemQuery(call: ApiCall, statesParam: string): ItemQuery {
  const states = call.params[statesParam] as string[] | undefined;
  const orderBy = optionalParam(call, 'orderBy');
  return { ...(states ? { states } : {}), ...(orderBy ? { orderBy } : {}) };
}

/** courses.courseWork.* — HTTP parameters in, service calls out. */
export const courseWorkHandlers: HandlerTable = {
  'classroom.courses.courseWork.create': (call) => createCourseWork(call.env, call.caller, param(call, 'courseId'), call.body),
  'classroom.courses.courseWork.get': (call) => getCourseWork(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  'classroom.courses.courseWork.list': (call) => {
    const query = itemQuery(call, 'courseWorkStates');
    return listCourseWork(call.env, call.caller, param(call, 'courseId'), query, readPage(call, { ...query, course: param(call, 'courseId') }));
  },
  'classroom.courses.courseWork.patch': (call) =>
    patchCourseWork(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.params.updateMask, call.body),
  'classroom.courses.courseWork.delete': (call) => deleteCourseWork(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  'classroom.courses.courseWork.modifyAssignees': (call) =>
    modifyCourseWorkAssignees(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.body),
};
