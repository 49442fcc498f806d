export * from './platform-config.js';
export * from './load-platform-config.js';
export * from './config.module.js';
export * from './local-secret.js';
export * from './software-version.js';
