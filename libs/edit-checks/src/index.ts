// The edit checks both the EDC (at capture) and the quality service (validate, try, runs) apply: the
// rule types, the default library, and the one SQL evaluator. It imports no other lib, so it sits at
// the bottom of LIB_LAYERS.
export * from './rule.js';
export * from './default-rules.js';
export * from './sql/checked-columns.js';
export * from './sql/checked-vitals.js';
export * from './sql/findings-sql.js';
export * from './sql/sql-params.js';
