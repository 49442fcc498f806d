export * from './auth.module.js';
export { bearerTokenOf } from './auth.guard.js';
export * from './authenticated-user.js';
export * from './decorators.js';
export * from './password.js';
export * from './roles.js';
export * from './session-status.service.js';
export * from './token.service.js';
