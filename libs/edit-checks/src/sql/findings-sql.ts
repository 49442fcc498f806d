import type { RuleLibrary, RuleSeverity } from '../rule.js';
import { CHECKED_STUDIES } from './checked-vitals.js';
import { FINDING_COLUMNS } from './checked-columns.js';
import { ruleSql } from './rule-sql.js';
import type { SqlParams } from './sql-params.js';

/** One row of findingsSql: a finding on a record of a batch (row_index) or a stored vital sign, or on a subject (a missing visit). */
export interface FindingRow {
  rule_id: string;
  severity: RuleSeverity;
  hard: boolean;
  protocol_id: string;
  site_id: string | null;
  subject_id: string;
  patient_id: string | null;
  vital_sign_id: string | null;
  row_index: number | null;
  visit_name: string | null;
  field: string | null;
  value: string | null;
  message: string;
}

/**
 * One SELECT giving every finding of the enabled rules of each study's library over a relation
 * (a batch or stored data): the relation is computed once, and each rule reads it. With `relation`
 * null, a (temporary) table named checked_vitals holds it already.
 */
export function findingsSql(relation: string | null, libraries: readonly RuleLibrary[], params: SqlParams): string {
  const selects = libraries.flatMap((library) => {
    const enabled = library.rules.filter((rule) => rule.enabled);
    if (enabled.length === 0) return [];
    const protocol = params.add(library.protocolId, 'text');
    return enabled.map((rule) => `(${ruleSql(rule, protocol, params)})`);
  });
  const columns = FINDING_COLUMNS.join(', ');
  const body =
    selects.length > 0
      ? selects.join('\n UNION ALL \n')
      : `SELECT NULL::text, NULL::text, NULL::boolean, NULL::text, NULL::text, NULL::text, NULL::uuid, NULL::uuid, NULL::integer,
                NULL::text, NULL::text, NULL::text, NULL::text WHERE false`;
  const checked = relation === null ? '' : `checked_vitals AS MATERIALIZED (${relation}),`;
  return `
    WITH ${checked}
         checked_studies AS (${CHECKED_STUDIES})
    SELECT ${columns} FROM (${body}) AS findings(${columns})`;
}
