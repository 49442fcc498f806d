export * from './job-queue.js';
export * from './job-queue.module.js';
