import { param, type HandlerTable } from '../types.js';
import { getUserProfile } from './service.js';

/** userProfiles.get — HTTP parameters in, service calls out. */
export const userProfilesHandlers: HandlerTable = {
  'classroom.userProfiles.get': (call) => getUserProfile(call.env, call.caller, param(call, 'userId')),
};
