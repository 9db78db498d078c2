import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import {
  createCourse,
  deleteCourse,
  getCourse,
  getGradingPeriodSettings,
  listCourses,
  patchCourse,
  updateCourse,
  updateGradingPeriodSettings,
} from './service.js';

/** courses.* — HTTP parameters in, service calls out. */
export const coursesHandlers: HandlerTable = {
  'classroom.courses.create': (call) => createCourse(call.env, call.caller, call.body),
  'classroom.courses.get': (call) => getCourse(call.env, call.caller, param(call, 'id')),
  'classroom.courses.list': (call) => {
    const courseStates = call.params.courseStates as string[] | undefined;
    const query = {
      ...(optionalParam(call, 'studentId') ? { studentId: param(call, 'studentId') } : {}),
      ...(optionalParam(call, 'teacherId') ? { teacherId: param(call, 'teacherId') } : {}),
      ...(courseStates ? { courseStates } : {}),
    };
    return listCourses(call.env, call.caller, query, readPage(call, query));
  },
  'classroom.courses.patch': (call) => patchCourse(call.env, call.caller, param(call, 'id'), call.params.updateMask, call.body),
  'classroom.courses.update': (call) => updateCourse(call.env, call.caller, param(call, 'id'), call.body),
  'classroom.courses.delete': (call) => deleteCourse(call.env, call.caller, param(call, 'id')),
  'classroom.courses.getGradingPeriodSettings': (call) => getGradingPeriodSettings(call.env, call.caller, param(call, 'courseId')),
  'classroom.courses.updateGradingPeriodSettings': (call) =>
    updateGradingPeriodSettings(call.env, call.caller, param(call, 'courseId'), call.params.updateMask, call.body),
};
