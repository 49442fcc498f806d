export * from './analytics-cache.js';
export * from './result-meta.js';
export * from './results.module.js';
