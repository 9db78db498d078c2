import { itemQuery } from '../course-work/routes.js';
import { readPage } from '../paging.js';
import { optionalParam, param, type HandlerTable } from '../types.js';
import { createMaterial, deleteMaterial, getMaterial, listMaterials, patchMaterial } from './service.js';

/** courses.courseWorkMaterials.* — HTTP parameters in, service calls out. */
export const courseWorkMaterialsHandlers: HandlerTable = {
  'classroom.courses.courseWorkMaterials.create': (call) => createMaterial(call.env, call.caller, param(call, 'courseId'), call.body),
  'classroom.courses.courseWorkMaterials.get': (call) => getMaterial(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
  'classroom.courses.courseWorkMaterials.list': (call) => {
    const driveId = optionalParam(call, 'materialDriveId');
    const link = optionalParam(call, 'materialLink');
    const query = { ...itemQuery(call, 'courseWorkMaterialStates'), ...(driveId ? { materialDriveId: driveId } : {}), ...(link ? { materialLink: link } : {}) };
    return listMaterials(call.env, call.caller, param(call, 'courseId'), query, readPage(call, { ...query, course: param(call, 'courseId') }));
  },
  'classroom.courses.courseWorkMaterials.patch': (call) =>
    patchMaterial(call.env, call.caller, param(call, 'courseId'), param(call, 'id'), call.params.updateMask, call.body),
  'classroom.courses.courseWorkMaterials.delete': (call) => deleteMaterial(call.env, call.caller, param(call, 'courseId'), param(call, 'id')),
};
