import { readPage } from '../paging.js';
import { param, type HandlerTable } from '../types.js';
import { createTopic, deleteTopic, getTopic, listTopics, patchTopic } from './service.js';

/** courses.topics.* — HTTP parameters in, service calls out. */
export const topicsHandlers: HandlerTable = {
  'classroom.courses.topics.create': (call) => createTopic(call.env, call.caller, param(call, 'courseId'), call.body),
  'classroom.courses.topics.get': (call) => getTopic(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  'classroom.courses.topics.list': (call) => listTopics(call.env, call.caller, param(call, 'courseId'), readPage(call, { course: param(call, 'courseId') })),
  'classroom.courses.topics.patch': (call) =>
    patchTopic(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.params.updateMask, call.body),
  'classroom.courses.topics.delete': (call) => deleteTopic(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
};
