export { createEmulator, type Emulator, type EmulatorOptions } from './emulator.js';
export { AdminClient, AdminApiError, type AdminUser, type AdminToken } from './admin/client.js';
export { DEFAULT_LIMITS, type Limits } from './platform/limits.js';
export type { StoreOptions } from './store/db.js';
export type { Interceptor, ApiCall } from './api/types.js';
