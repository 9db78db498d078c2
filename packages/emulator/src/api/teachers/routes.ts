import { readPage } from '../paging.js';
import { param, type HandlerTable } from '../types.js';
import { createTeacher, deleteTeacher, getTeacher, listTeachers } from './service.js';

/** courses.teachers.* — HTTP parameters in, service calls out. */
export const teachersHandlers: HandlerTable = {
  'classroom.courses.teachers.create': (call) => createTeacher(call.env, call.caller, param(call, 'courseId'), call.body),
  'classroom.courses.teachers.get': (call) => getTeacher(call.env, call.caller, param(call, 'courseId'), param(call, 'userId')),
  // Production's default page of teachers is 30.
  'classroom.courses.teachers.list': (call) =>
    listTeachers(call.env, call.caller, param(call, 'courseId'), readPage(call, { courseId: param(call, 'courseId') }, 30)),
  'classroom.courses.teachers.delete': (call) => deleteTeacher(call.env, call.caller, param(call, 'courseId'), param(call, 'userId')),
};
