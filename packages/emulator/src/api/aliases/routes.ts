import { readPage } from '../paging.js';
import { param, type HandlerTable } from '../types.js';
import { createAlias, deleteAlias, listAliases } from './service.js';

/** courses.aliases.* — HTTP parameters in, service calls out. */
export const aliasesHandlers: HandlerTable = {
  'classroom.courses.aliases.create': (call) => createAlias(call.env, call.caller, param(call, 'courseId'), call.body),
  'classroom.courses.aliases.delete': (call) => deleteAlias(call.env, call.caller, param(call, 'courseId'), param(call, 'alias')),
  'classroom.courses.aliases.list': (call) => {
    const courseId = param(call, 'courseId');
    return listAliases(call.env, call.caller, courseId, readPage(call, { courseId }));
  },
};
