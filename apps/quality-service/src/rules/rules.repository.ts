import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { Rule } from '../../../../libs/edit-checks/src/index.js';

/** One stored version of a study's library. */
export interface RuleSetRow {
  protocol_id: string;
  version: number;
  rules: Rule[];
  change_summary: string;
  changed_by: string | null;
  changed_by_username: string | null;
  created_at: Date;
}

/** A version in the history: what changed, by whom, when (without its rules). */
export type RuleSetVersionRow = Omit<RuleSetRow, 'rules'> & { rule_count: number };

export interface NewRuleSet {
  protocolId: string;
  version: number;
  rules: Rule[];
  summary: string;
  actor: AuditActor;
}

/**
 * `quality_rule_sets`: each study's library as insert-only versions. Studies are the EDC's
 * (`edc_studies`, its published view). Writers of one study queue on a transaction-scoped
 * advisory lock, so each reads the latest version after the previous writer committed.
 */
@Injectable()
export class RulesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async studyExists(protocolId: string, db: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows = (await db.query(`SELECT 1 FROM edc_studies WHERE protocol_id = $1`, [protocolId])) as unknown[];
    return rows.length > 0;
  }

  async latest(protocolId: string, db: EntityManager = this.dataSource.manager): Promise<RuleSetRow | null> {
    const rows = (await db.query(
      `SELECT * FROM quality_rule_sets WHERE protocol_id = $1 ORDER BY version DESC LIMIT 1`,
      [protocolId],
    )) as RuleSetRow[];
    return rows[0] ?? null;
  }

  async version(protocolId: string, version: number): Promise<RuleSetRow | null> {
    const rows = (await this.dataSource.query(`SELECT * FROM quality_rule_sets WHERE protocol_id = $1 AND version = $2`, [protocolId, version])) as RuleSetRow[];
    return rows[0] ?? null;
  }

  /** Newest first, with the total number of versions. */
  async versions(protocolId: string, limit: number, offset: number): Promise<{ rows: RuleSetVersionRow[]; total: number }> {
    const rows = (await this.dataSource.query(
      `SELECT protocol_id, version, change_summary, changed_by, changed_by_username, created_at,
              jsonb_array_length(rules) AS rule_count, count(*) OVER () AS total
         FROM quality_rule_sets WHERE protocol_id = $1
        ORDER BY version DESC LIMIT $2 OFFSET $3`,
      [protocolId, limit, offset],
    )) as Array<RuleSetVersionRow & { total: string }>;
    const total =
      rows.length > 0
        ? Number(rows[0].total)
        : Number(((await this.dataSource.query(`SELECT count(*) AS n FROM quality_rule_sets WHERE protocol_id = $1`, [protocolId])) as Array<{ n: string }>)[0].n);
    return { rows: rows.map(({ total: _total, ...row }) => row), total };
  }

  /** Until the transaction ends, other writers of this study's rules wait here. */
  async lockStudy(db: EntityManager, protocolId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('quality_rules:' || $1))`, [protocolId]);
  }

  async insert(db: EntityManager, set: NewRuleSet): Promise<RuleSetRow> {
    const [row] = (await db.query(
      `INSERT INTO quality_rule_sets (protocol_id, version, rules, change_summary, changed_by, changed_by_username)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING *`,
      [set.protocolId, set.version, JSON.stringify(set.rules), set.summary, set.actor.userId, set.actor.username],
    )) as RuleSetRow[];
    return row;
  }

  /**
   * The patterns PostgreSQL's `~` cannot compile, with its reason (the rules check the syntax both
   * engines share; this asks the engine that runs them over stored data). One statement for all;
   * only when it fails, one per pattern to name the culprits.
   */
  async uncompilablePatterns(patterns: string[]): Promise<Array<{ pattern: string; reason: string }>> {
    if (patterns.length === 0) return [];
    const compile = (list: string[]) => this.dataSource.query(`SELECT count(*) FROM unnest($1::text[]) AS p WHERE '' ~ p`, [list]);
    try {
      await compile(patterns);
      return [];
    } catch (error) {
      if (!isInvalidRegex(error)) throw error;
    }
    const failures: Array<{ pattern: string; reason: string }> = [];
    for (const pattern of patterns) {
      try {
        await compile([pattern]);
      } catch (error) {
        if (!isInvalidRegex(error)) throw error;
        failures.push({ pattern, reason: (error as Error).message });
      }
    }
    return failures;
  }
}

/** SQLSTATE 2201B: invalid_regular_expression. */
function isInvalidRegex(error: unknown): boolean {
  const candidate = error as { code?: string; driverError?: { code?: string } };
  return candidate?.code === '2201B' || candidate?.driverError?.code === '2201B';
}
