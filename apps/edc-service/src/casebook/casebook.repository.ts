import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { ADVERSE_EVENT_SELECT, type AdverseEventRow, toAdverseEventResponse } from '../adverse-events/adverse-event.row.js';
import { type LockResponse, type LockRow, toLockResponse } from '../locks/dto/lock.response.js';
import { Patient } from '../patients/patient.entity.js';
import { type SignatureResponse, type SignatureRow, toSignatureResponse } from '../signatures/dto/signature.response.js';
import { StudyDirectory } from '../studies/study-directory.js';
import type { StudyDesign } from '../studies/study-design.js';
import { VitalSign } from '../vitals/vital-sign.entity.js';
import { casebookVisits } from './casebook-visits.js';
import type { CasebookAdverseEvent, CasebookResponse } from './dto/casebook.response.js';
import { type StudyDayAnchor, studyDay, studyDayAnchor } from './study-day.js';

/**
 * Loads one subject's casebook set-based: the subject, its study (with schedule, sites and arms),
 * its vital signs, adverse events, locks and signatures, one statement each, whatever the number
 * of visits. All in one snapshot, so the parts agree with each other.
 */
@Injectable()
export class CasebookRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly studies: StudyDirectory,
  ) {}

  /** The casebook of an existing subject (found by the caller), or undefined if it disappeared meanwhile. */
  load(patientId: string): Promise<CasebookResponse | undefined> {
    return this.dataSource.transaction('REPEATABLE READ', async (db) => {
      const patient = await db.getRepository(Patient).findOneBy({ id: patientId });
      if (!patient) return undefined;
      const study = await this.studies.findOne(db, patient.protocolId);
      const vitals = await db.getRepository(VitalSign).find({
        where: { patientId, enteredInErrorAt: IsNull() },
        order: { visitDate: { direction: 'ASC', nulls: 'LAST' }, measurementTime: { direction: 'ASC', nulls: 'LAST' }, createdAt: 'ASC', id: 'ASC' },
      });
      const anchor = studyDayAnchor(study?.baselineVisit ?? null, vitals, patient.randomizedAt);
      return {
        patient_id: patient.id,
        subject_id: patient.subjectNumber,
        protocol_id: patient.protocolId,
        site_id: patient.siteId,
        treatment_arm: patient.treatmentArm,
        study: {
          protocol_id: patient.protocolId,
          title: study?.title ?? null,
          status: study?.status ?? null,
          baseline_visit: study?.baselineVisit ?? null,
        },
        site: patient.siteId === null ? null : { site_id: patient.siteId, name: siteName(study, patient.siteId) },
        arm: patient.treatmentArm === null ? null : { arm_code: patient.treatmentArm, description: armDescription(study, patient.treatmentArm) },
        randomized_by_platform: patient.randomizedByPlatform,
        randomized_at: patient.randomizedAt?.toISOString() ?? null,
        synthetic: patient.datasetId !== null,
        dataset_id: patient.datasetId,
        status: patient.status,
        status_date: patient.statusDate,
        status_reason: patient.statusReason,
        consent_date: patient.consentDate,
        enrollment_date: patient.enrollmentDate,
        demographics: patient.demographics,
        study_day_1: anchor,
        visits: casebookVisits(study?.visits ?? [], vitals, anchor),
        adverse_events: await this.adverseEvents(db, patientId, anchor),
        locks: await this.locks(db, patientId),
        signatures: await this.signatures(db, patientId),
      };
    });
  }

  private async adverseEvents(db: EntityManager, patientId: string, anchor: StudyDayAnchor | null): Promise<CasebookAdverseEvent[]> {
    const rows: AdverseEventRow[] = await db.query(
      `${ADVERSE_EVENT_SELECT}
        WHERE a.patient_id = $1 AND a.entered_in_error_at IS NULL
        ORDER BY a.onset_date, a.created_at, a.id`,
      [patientId],
    );
    return rows.map((row) => ({ ...toAdverseEventResponse(row), onset_study_day: anchor ? studyDay(row.onset_date, anchor.date) : null }));
  }

  private async locks(db: EntityManager, patientId: string): Promise<LockResponse[]> {
    const rows: LockRow[] = await db.query(
      `SELECT id, visit_name, locked_at, locked_by, locked_by_username, reason, unlocked_at, unlocked_by, unlocked_by_username, unlock_reason
         FROM edc_locks
        WHERE patient_id = $1
        ORDER BY locked_at, id`,
      [patientId],
    );
    return rows.map(toLockResponse);
  }

  private async signatures(db: EntityManager, patientId: string): Promise<SignatureResponse[]> {
    const rows: SignatureRow[] = await db.query(
      `SELECT id, signer_id, signer_username, signer_full_name, meaning, signed_at, invalidated_at, invalidated_by
         FROM edc_signatures
        WHERE patient_id = $1
        ORDER BY signed_at, id`,
      [patientId],
    );
    return rows.map(toSignatureResponse);
  }
}

function siteName(study: StudyDesign | undefined, siteId: string): string | null {
  return study?.sites.find((site) => site.siteId === siteId)?.name ?? null;
}

function armDescription(study: StudyDesign | undefined, armCode: string): string | null {
  return study?.arms.find((arm) => arm.armCode === armCode)?.description ?? null;
}
