import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import { createStudent, deleteStudent, getStudent, listStudents } from './service.js';

/** courses.students.* — HTTP parameters in, service calls out. */
export const studentsHandlers: HandlerTable = {
  'classroom.courses.students.create': (call) =>
    createStudent(call.env, call.caller, param(call, 'courseId'), optionalParam(call, 'enrollmentCode'), call.body),
  'classroom.courses.students.get': (call) => getStudent(call.env, call.caller, param(call, 'courseId'), param(call, 'userId')),
  // Production's default page of students is 30.
  'classroom.courses.students.list': (call) =>
    listStudents(call.env, call.caller, param(call, 'courseId'), readPage(call, { courseId: param(call, 'courseId') }, 30)),
  'classroom.courses.students.delete': (call) => deleteStudent(call.env, call.caller, param(call, 'courseId'), param(call, 'userId')),
};
