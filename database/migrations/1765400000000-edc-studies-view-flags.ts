import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

const VIEW_COLUMNS = 'protocol_id, title, status, baseline_visit, subject_id_format';

/**
 * The EDC's edc_studies view also publishes whether a study lets unlisted sites, visits and arms
 * in: the quality service's checks against the study's lists skip what the study allows.
 */
export class EdcStudiesViewFlags1765400000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE OR REPLACE VIEW edc_studies AS
      SELECT ${VIEW_COLUMNS}, allow_new_sites, allow_unscheduled_visits, allow_unlisted_arms FROM studies`);
  }

  async down(db: QueryRunner): Promise<void> {
    // A view loses columns only by being made again.
    await db.query(`DROP VIEW edc_studies`);
    await db.query(`CREATE VIEW edc_studies AS SELECT ${VIEW_COLUMNS} FROM studies`);
    await db.query(`GRANT SELECT ON edc_studies TO ${RUNTIME_ROLE}`);
  }
}
