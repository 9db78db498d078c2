export * from './status.js';
export * from './catalog.js';
export * from './render.js';
export * from './error.js';
export * from './backoff.js';
export * from './decide.js';
