import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { Patient } from '../patients/patient.entity.js';
import { StudyDirectory } from '../studies/study-directory.js';
import type { StudyDesign } from '../studies/study-design.js';
import { VitalSign } from '../vitals/vital-sign.entity.js';
import { casebookVisits } from './casebook-visits.js';
import type { CasebookAdverseEvent, CasebookLock, CasebookResponse, CasebookSignature, SignatureInvalidation } from './dto/casebook.response.js';
import { type StudyDayAnchor, studyDay, studyDayAnchor } from './study-day.js';

interface AdverseEventRow {
  id: string;
  term: string;
  body_system: string;
  onset_date: string;
  end_date: string | null;
  severity_grade: number;
  serious: boolean;
  relationship: string;
  outcome: string;
  action_taken: string;
  created_at: Date;
  updated_at: Date | null;
}

interface LockRow {
  id: string;
  visit_name: string | null;
  locked_at: Date;
  locked_by: string | null;
  locked_by_username: string;
  reason: string | null;
  unlocked_at: Date | null;
  unlocked_by: string | null;
  unlocked_by_username: string | null;
  unlock_reason: string | null;
}

/** edc_signatures.invalidated_by as the database's guard trigger writes it. */
interface StoredInvalidation {
  entity_type: string;
  action: string;
  entity_ids: string[] | null;
  reason: string | null;
  username: string | null;
  at: string;
}

interface SignatureRow {
  id: string;
  signer_id: string;
  signer_username: string;
  signer_full_name: string;
  meaning: string;
  signed_at: Date;
  invalidated_at: Date | null;
  invalidated_by: StoredInvalidation | null;
}

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
      `SELECT id, term, body_system, onset_date, end_date, severity_grade, serious, relationship, outcome, action_taken,
              created_at, updated_at
         FROM adverse_events
        WHERE patient_id = $1 AND entered_in_error_at IS NULL
        ORDER BY onset_date, created_at, id`,
      [patientId],
    );
    return rows.map((row) => ({
      id: row.id,
      term: row.term,
      body_system: row.body_system,
      onset_date: row.onset_date,
      end_date: row.end_date,
      onset_study_day: anchor ? studyDay(row.onset_date, anchor.date) : null,
      severity_grade: row.severity_grade,
      serious: row.serious,
      relationship: row.relationship,
      outcome: row.outcome,
      action_taken: row.action_taken,
      recorded_at: row.created_at.toISOString(),
      corrected_at: row.updated_at?.toISOString() ?? null,
    }));
  }

  private async locks(db: EntityManager, patientId: string): Promise<CasebookLock[]> {
    const rows: LockRow[] = await db.query(
      `SELECT id, visit_name, locked_at, locked_by, locked_by_username, reason, unlocked_at, unlocked_by, unlocked_by_username, unlock_reason
         FROM edc_locks
        WHERE patient_id = $1
        ORDER BY locked_at, id`,
      [patientId],
    );
    return rows.map((row) => ({
      id: row.id,
      visit_name: row.visit_name,
      open: row.unlocked_at === null,
      locked_at: row.locked_at.toISOString(),
      locked_by: row.locked_by,
      locked_by_username: row.locked_by_username,
      reason: row.reason,
      unlocked_at: row.unlocked_at?.toISOString() ?? null,
      unlocked_by: row.unlocked_by,
      unlocked_by_username: row.unlocked_by_username,
      unlock_reason: row.unlock_reason,
    }));
  }

  private async signatures(db: EntityManager, patientId: string): Promise<CasebookSignature[]> {
    const rows: SignatureRow[] = await db.query(
      `SELECT id, signer_id, signer_username, signer_full_name, meaning, signed_at, invalidated_at, invalidated_by
         FROM edc_signatures
        WHERE patient_id = $1
        ORDER BY signed_at, id`,
      [patientId],
    );
    return rows.map((row) => ({
      id: row.id,
      signer_id: row.signer_id,
      signer_username: row.signer_username,
      signer_full_name: row.signer_full_name,
      meaning: row.meaning,
      signed_at: row.signed_at.toISOString(),
      valid: row.invalidated_at === null,
      invalidated_at: row.invalidated_at?.toISOString() ?? null,
      invalidated_by: row.invalidated_by ? invalidation(row.invalidated_by) : null,
    }));
  }
}

function siteName(study: StudyDesign | undefined, siteId: string): string | null {
  return study?.sites.find((site) => site.siteId === siteId)?.name ?? null;
}

function armDescription(study: StudyDesign | undefined, armCode: string): string | null {
  return study?.arms.find((arm) => arm.armCode === armCode)?.description ?? null;
}

function invalidation(stored: StoredInvalidation): SignatureInvalidation {
  return {
    entity_type: stored.entity_type,
    action: stored.action,
    entity_ids: stored.entity_ids ?? [],
    reason: stored.reason,
    username: stored.username,
    at: new Date(stored.at).toISOString(),
  };
}
