export * from './ancova.js';
export * from './distributions.js';
export * from './two-proportions.js';
export * from './welch.js';
