import { Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../../libs/audit/src/index.js';
import {
  type BatchRow,
  batchRelation,
  DEFAULT_RULES,
  type FindingRow,
  findingsSql,
  type Rule,
  type RuleLibrary,
  SqlParams,
  subjectsRelation,
} from '../../../../../libs/edit-checks/src/index.js';

/** Rule types that judge a whole subject or group (a missing visit, an outlier): runs only, never at capture. */
const RUN_ONLY_TYPES: ReadonlySet<Rule['type']> = new Set(['required_visits', 'outlier']);

/** A finding of the study's checks on a captured (or validated) record. */
export type CaptureFinding = FindingRow;

/** Which stored vitals' findings count: those of one capture batch, or one corrected vital sign. */
export type CheckedRecords = { batchId: string } | { vitalSignId: string };

export interface StoredCheck {
  /** Hard findings on the checked records: the caller refuses them (nothing of it may commit). */
  hard: CaptureFinding[];
  /** Queries opened (origin 'capture') for the soft findings; 0 when any finding is hard. */
  queriesOpened: number;
}

/**
 * The study's edit checks (the quality service's rule library, published as quality_study_rules)
 * applied at capture with the shared SQL evaluator, over everything stored for the subjects, so a
 * duplicate visit or a jump against an earlier visit is seen; soft findings open queries through
 * quality_open_queries in the caller's transaction.
 */
@Injectable()
export class CaptureChecks {
  /** Each study's library as capture applies it (read in the caller's transaction): one statement. */
  async libraries(db: EntityManager, protocolIds: string[]): Promise<RuleLibrary[]> {
    const ids = [...new Set(protocolIds)];
    if (ids.length === 0) return [];
    const rows = (await db.query(`SELECT protocol_id, version, rules FROM quality_study_rules WHERE protocol_id = ANY($1::text[])`, [ids])) as Array<{
      protocol_id: string;
      version: number;
      rules: Rule[];
    }>;
    const byId = new Map(rows.map((row) => [row.protocol_id, row]));
    return ids.map((protocolId) => {
      const row = byId.get(protocolId);
      const rules = (row?.rules ?? DEFAULT_RULES).filter((rule) => rule.enabled && !RUN_ONLY_TYPES.has(rule.type));
      return { protocolId, version: row?.version ?? 0, rules };
    });
  }

  /**
   * Checks the stored vitals of the given subjects (patient ids) and keeps the findings on the
   * checked records; when none is hard, opens queries for them, in the same statement.
   */
  async checkStored(db: EntityManager, libraries: RuleLibrary[], patientIds: string[], checked: CheckedRecords, actor: AuditActor): Promise<StoredCheck> {
    if (patientIds.length === 0 || libraries.every((library) => library.rules.length === 0)) return { hard: [], queriesOpened: 0 };
    const params = new SqlParams();
    const relation = subjectsRelation(params, patientIds);
    const findings = findingsSql(relation, libraries, params);
    const keep =
      'batchId' in checked
        ? `EXISTS (SELECT 1 FROM edc_vitals k WHERE k.vital_sign_id = f.vital_sign_id AND k.data_batch = ${params.add(checked.batchId, 'uuid')})`
        : `f.vital_sign_id = ${params.add(checked.vitalSignId, 'uuid')}`;
    const actorParam = params.add(JSON.stringify(actorJson(actor)), 'jsonb');
    const [row] = (await db.query(
      `WITH found AS (SELECT f.* FROM (${findings}) f WHERE ${keep}),
            hard AS (SELECT coalesce(jsonb_agg(to_jsonb(found) ORDER BY found.rule_id, found.vital_sign_id), '[]'::jsonb) AS list FROM found WHERE found.hard)
       SELECT hard.list AS hard,
              CASE WHEN jsonb_array_length(hard.list) > 0 THEN 0
                   ELSE quality_open_queries((SELECT jsonb_agg(to_jsonb(found)) FROM found WHERE NOT found.hard), 'capture', ${actorParam})
              END AS opened
         FROM hard`,
      params.values,
    )) as Array<{ hard: CaptureFinding[]; opened: number }>;
    return { hard: row.hard, queriesOpened: row.opened };
  }

  /** The findings of a supplied batch, nothing stored (the EDC's validate). */
  async checkBatch(db: EntityManager, libraries: RuleLibrary[], rows: BatchRow[]): Promise<CaptureFinding[]> {
    if (rows.length === 0 || libraries.every((library) => library.rules.length === 0)) return [];
    const params = new SqlParams();
    const sql = findingsSql(batchRelation(params, rows), libraries, params);
    return (await db.query(`${sql} ORDER BY row_index, rule_id`, params.values)) as CaptureFinding[];
  }
}

/** The actor as the quality contract's functions take it. */
export function actorJson(actor: AuditActor) {
  return { user_id: actor.userId, username: actor.username, role: actor.role, client_address: actor.clientAddress, request_id: actor.requestId };
}

/** `RULE: message` as a refusal lists a hard finding. */
export const findingProblem = (finding: CaptureFinding): string => `${finding.rule_id}: ${finding.message}`;

/** A hard edit check refuses the request: nothing of it is stored (422 with each finding). */
export function hardCheckRefusal(problems: Array<{ field: string; problems: string[] }>, what: string, outcome = 'nothing was stored'): UnprocessableEntityException {
  const first = problems[0];
  return new UnprocessableEntityException({
    message: `A hard edit check of the study refuses ${what}; ${outcome} (first: ${first.field} ${first.problems[0]})`,
    details: problems.slice(0, 50),
  });
}
