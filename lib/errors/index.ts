export * from './redis-error.js';
export * from './connection-errors.js';
export * from './response-errors.js';
export * from './client-errors.js';
export { parseServerError } from './server-error-table.js';
