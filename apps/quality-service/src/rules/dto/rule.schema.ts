import type { SchemaObject } from '@nestjs/swagger';
import { CHECKED_FIELDS, COMPARISON_OPERATORS, OUTLIER_METHODS, RULE_SEVERITIES, RULE_TYPES, STUDY_SOURCES, TEXT_FIELDS } from '../../../../../libs/edit-checks/src/index.js';
import { TYPE_FIELDS } from '../parse-rule.js';

const fieldsByType = Object.entries(TYPE_FIELDS)
  .map(([type, fields]) => `${type}: ${fields.length > 0 ? fields.join(', ') : '(none)'}`)
  .join('; ');

/** A rule as the API and rule documents write it; each type takes the base fields and its own. */
export const RULE_SCHEMA: SchemaObject = {
  type: 'object',
  description: `An edit check. Every rule: id, type, severity, message, description?, enabled (true), hard (false). By type: ${fieldsByType}.`,
  required: ['id', 'type', 'severity', 'message'],
  properties: {
    id: { type: 'string', pattern: '^[A-Z][A-Z0-9_-]{1,31}$', example: 'VS001' },
    type: { type: 'string', enum: [...RULE_TYPES] },
    severity: { type: 'string', enum: [...RULE_SEVERITIES] },
    message: { type: 'string', maxLength: 500, description: 'what the site reads on the query' },
    description: { type: 'string', maxLength: 2000 },
    enabled: { type: 'boolean', default: true, description: 'a disabled rule stays in the library but checks nothing' },
    hard: { type: 'boolean', default: false, description: 'refused at capture instead of a query (range rules: hard_min/hard_max instead)' },
    field: { type: 'string', enum: [...CHECKED_FIELDS], description: 'the checked field (numeric for range, change_from_previous, outlier; text for allowed_values, pattern, constant_within_subject)' },
    min: { type: 'number' },
    max: { type: 'number' },
    hard_min: { type: 'number' },
    hard_max: { type: 'number' },
    left: { type: 'string', description: 'comparison: a numeric field' },
    operator: { type: 'string', enum: [...COMPARISON_OPERATORS] },
    right: { type: 'string', description: 'comparison: another numeric field' },
    offset: { type: 'integer', default: 0, description: 'comparison: left operator right + offset' },
    values: { type: 'array', items: { type: 'string' }, description: 'allowed_values: the allowed values (or from)' },
    from: { type: 'string', enum: [...STUDY_SOURCES], description: "the study's list (allowed_values) or subject id format (pattern)" },
    regex: { type: 'string', maxLength: 200, description: 'pattern: matched against the whole value, in the syntax JavaScript and PostgreSQL share' },
    visits: { type: 'array', items: { type: 'string' }, description: "required_visits: the visits (else the schedule's required visits)" },
    fields: { type: 'array', items: { type: 'string', enum: [...TEXT_FIELDS] }, description: 'unique: the combination' },
    max_change: { type: 'number', description: 'change_from_previous: the largest change between consecutive visits' },
    method: { type: 'string', enum: [...OUTLIER_METHODS] },
    k: { type: 'number', description: 'outlier: 3 (sd) or 1.5 (iqr) by default' },
    min_group_size: { type: 'integer', default: 10 },
  },
  example: { id: 'VS001', type: 'range', severity: 'minor', field: 'SystolicBP', min: 95, max: 200, message: 'Systolic blood pressure is outside 95-200 mmHg.', enabled: true, hard: false },
};
