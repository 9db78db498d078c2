import { itemQuery } from '../course-work/routes.js';
import { readPage } from '../paging.js';
import { param, type HandlerTable } from '../types.js';
import {
  createAnnouncement,
  deleteAnnouncement,
  getAnnouncement,
  listAnnouncements,
  modifyAnnouncementAssignees,
  patchAnnouncement,
} from './service.js';

/** courses.announcements.* — HTTP parameters in, service calls out. */
export const announcementsHandlers: HandlerTable = {
  'classroom.courses.announcements.create': (call) => createAnnouncement(call.env, call.caller, param(call, 'courseId'), call.body),
  'classroom.courses.announcements.get': (call) => getAnnouncement(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  'classroom.courses.announcements.list': (call) => {
    const query = itemQuery(call, 'announcementStates');
    return listAnnouncements(call.env, call.caller, param(call, 'courseId'), query, readPage(call, { ...query, course: param(call, 'courseId') }));
  },
  'classroom.courses.announcements.patch': (call) =>
    patchAnnouncement(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.params.updateMask, call.body),
  'classroom.courses.announcements.delete': (call) => deleteAnnouncement(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  'classroom.courses.announcements.modifyAssignees': (call) =>
    modifyAnnouncementAssignees(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.body),
};
