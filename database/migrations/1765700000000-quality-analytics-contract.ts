import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * The quality service's published facts for the analytics service (risk-based monitoring, the
 * study report's data-quality section): each query's place, rule, severity, origin and status
 * dates, and each run's scope and counts. Never a query's value, message or thread, and never who
 * opened or answered it.
 */
export class QualityAnalyticsContract1765700000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE VIEW quality_query_facts AS
        SELECT id, protocol_id, site_id, subject_id, patient_id, vital_sign_id, visit_name, field, rule_id,
               severity, status, origin, opened_at, answered_at, closed_at, cancelled_at
          FROM quality_queries`);
    await db.query(`
      CREATE VIEW quality_run_facts AS
        SELECT id, protocol_id, site_id, subject_id, dataset_id, site_ids, rules_version, started_at, finished_at,
               rows_checked, subjects_checked, findings_total, findings_by_severity, queries_opened
          FROM quality_runs`);
    await db.query(`GRANT SELECT ON quality_query_facts, quality_run_facts TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP VIEW quality_run_facts`);
    await db.query(`DROP VIEW quality_query_facts`);
  }
}
