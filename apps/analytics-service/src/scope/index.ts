export * from './analysis-scope.js';
export * from './analysis-scopes.js';
export * from './scope.dto.js';
export * from './scope.module.js';
export * from './study-design.reader.js';
