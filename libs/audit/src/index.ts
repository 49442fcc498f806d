export * from './audit-event.js';
export * from './audit.module.js';
export * from './audit.service.js';
export * from './read-audit.buffer.js';
export * from './audit-sealer.js';
export * from './audit-history.js';
