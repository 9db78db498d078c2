import { param, type HandlerTable } from '../types.js';
import { createRegistration, deleteRegistration } from './service.js';

/** registrations.* — HTTP parameters in, service calls out. */
export const registrationsHandlers: HandlerTable = {
  'classroom.registrations.create': (call) => createRegistration(call.env, call.caller, call.body),
  'classroom.registrations.delete': (call) => deleteRegistration(call.env, call.caller, param(call, 'registrationId')),
};
