import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * The EDC's published, read-only answer to "which site is this subject at?", so other services
 * (the audit trail's site scoping) can ask without reading the EDC's tables: the EDC may reshape
 * `patients` and `vital_signs` as long as these views keep their columns.
 *
 * `edc_subject_sites`: one row per subject (a subject number is unique within its protocol only).
 * `edc_vital_sign_subjects`: the subject each stored vital sign belongs to.
 */
export class EdcSubjectSitesView1764600000000 implements MigrationInterface {
  name = 'EdcSubjectSitesView1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE VIEW edc_subject_sites AS
        SELECT protocol_id, subject_number, site_id, id AS patient_id FROM patients`);
    await db.query(`
      CREATE VIEW edc_vital_sign_subjects AS
        SELECT id AS vital_sign_id, patient_id FROM vital_signs`);
    await db.query(`GRANT SELECT ON edc_subject_sites, edc_vital_sign_subjects TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP VIEW edc_vital_sign_subjects`);
    await db.query(`DROP VIEW edc_subject_sites`);
  }
}
