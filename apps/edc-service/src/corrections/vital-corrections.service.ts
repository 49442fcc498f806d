import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, ReadAuditBuffer, recordVersions } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import { StudyRules } from '../studies/study-rules.js';
import type { VitalSignResponse } from '../vitals/dto/subject-vitals.response.js';
import { actorJson, CaptureChecks, findingProblem, hardCheckRefusal } from '../vitals/edit-checks/capture-checks.js';
import { type ClinicalRecordType, historyHeader, markEnteredInError, readWithEvents, type StoredClinicalRecord } from './clinical-record.js';
import type { CorrectVitalDto } from './dto/correct-vital.dto.js';
import type { EnteredInErrorDto } from './dto/reason.js';
import type { VitalHistoryResponse } from './dto/record-history.response.js';
import { isoTimestamp, isUniqueViolation, recordNotFound } from './record-lookup.js';
import { applyVitalCorrection, VITAL_FIELDS, type VitalValues } from './vital-correction.js';

const ENTITY_TYPE: ClinicalRecordType = 'vital_sign';
/** What a version of a vital sign shows: its values, and whether it was entered in error. */
const HISTORY_FIELDS = [...VITAL_FIELDS, 'entered_in_error_at', 'entered_in_error_reason'];

interface StoredVital extends VitalValues, StoredClinicalRecord {
  id: string;
  data_batch: string;
  created_at: Date;
  updated_at: Date | null;
}

/** A vital sign with its subject; measurement_time as a Date until `toValues`. */
const SELECT_VITAL = `
  SELECT v.id, v.patient_id, v.visit_name, v.visit_date, v.measurement_time, v.systolic_bp, v.diastolic_bp,
         v.heart_rate, v.temperature::float8 AS temperature, v.respiratory_rate, v.data_batch, v.created_at,
         v.updated_at, v.entered_in_error_at, v.entered_in_error_reason,
         p.subject_number, p.protocol_id, p.site_id, p.treatment_arm
    FROM vital_signs v JOIN patients p ON p.id = v.patient_id
   WHERE v.id = $1`;

/**
 * Corrections of stored vital signs (with a reason, audited by the database with old and new
 * values), entered-in-error, and each record's history from the audit trail. Site-scoped through
 * the record's subject: a record the user may not see answers 404 like a missing one.
 */
@Injectable()
export class VitalCorrectionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ClinicalChanges,
    private readonly studyRules: StudyRules,
    private readonly readAudit: ReadAuditBuffer,
    private readonly editChecks: CaptureChecks,
  ) {}

  async correct(vitalId: string, dto: CorrectVitalDto, user: AuthenticatedUser, actor: AuditActor): Promise<VitalHistoryResponse> {
    await this.changes.change({ actor, reason: dto.reason, action: 'correct' }, async (db, effects) => {
      const stored = await this.findVisible(db, vitalId, user, true);
      if (stored.entered_in_error_at !== null) {
        throw new NotFoundException(`Vital sign ${vitalId} was entered in error: it cannot be corrected (its history: GET /edc/vitals/${vitalId}/history)`);
      }
      const { values, changed } = applyVitalCorrection(toValues(stored), dto);
      if (changed.includes('visit_name')) {
        effects.audit(
          ...(await this.studyRules.admit(db, [{ label: 'correction', protocolId: stored.protocol_id, siteId: stored.site_id, visitName: values.visit_name }])),
        );
      }
      if (changed.includes('visit_name') || changed.includes('measurement_time')) await this.refuseCollision(db, stored, values);
      try {
        await db.query(
          `UPDATE vital_signs
              SET visit_name = $2, visit_date = $3, measurement_time = $4, systolic_bp = $5, diastolic_bp = $6,
                  heart_rate = $7, temperature = $8, respiratory_rate = $9, updated_at = now()
            WHERE id = $1`,
          [
            vitalId,
            values.visit_name,
            values.visit_date,
            values.measurement_time,
            values.systolic_bp,
            values.diastolic_bp,
            values.heart_rate,
            values.temperature,
            values.respiratory_rate,
          ],
        );
      } catch (error) {
        // Another record with this key was stored since the check above.
        if (isUniqueViolation(error)) throw collision(stored, values);
        throw error;
      }
      await this.recheck(db, stored, dto.reason, actor);
      effects.touchSubject(stored.subject_number, stored.protocol_id);
    });
    return this.history(vitalId, user, actor);
  }

  /**
   * A correction answers the record's open queries (with the reason), then the study's edit checks
   * judge the new values as at capture: a hard finding refuses the correction, a soft one opens a query.
   */
  private async recheck(db: EntityManager, stored: StoredVital, reason: string, actor: AuditActor): Promise<void> {
    await answerQueries(db, stored.id, reason, actor);
    const libraries = await this.editChecks.libraries(db, [stored.protocol_id]);
    const checked = await this.editChecks.checkStored(db, libraries, [stored.patient_id], { vitalSignId: stored.id }, actor);
    if (checked.hard.length > 0) {
      const problems = checked.hard.map((finding) => ({ field: correctionField(finding.field), problems: [findingProblem(finding)] }));
      throw hardCheckRefusal(problems, 'the correction', 'nothing changed');
    }
  }

  async markEnteredInError(vitalId: string, dto: EnteredInErrorDto, user: AuthenticatedUser, actor: AuditActor): Promise<VitalHistoryResponse> {
    await this.changes.change({ actor, reason: dto.reason, action: 'entered_in_error' }, async (db, effects) => {
      await markEnteredInError(db, effects, ENTITY_TYPE, vitalId, await this.findVisible(db, vitalId, user, true), dto.reason);
      // Its queries are answered by the withdrawal; nothing is left to re-check.
      await answerQueries(db, vitalId, dto.reason, actor);
    });
    return this.history(vitalId, user, actor);
  }

  /** Every version of the record from the audit trail, entered in error or not; an audited read. */
  async history(vitalId: string, user: AuthenticatedUser, actor: AuditActor): Promise<VitalHistoryResponse> {
    const [stored, events] = await readWithEvents(this.dataSource, ENTITY_TYPE, vitalId, (db) => this.findVisible(db, vitalId, user, false));
    const current = { ...toValues(stored), entered_in_error_at: isoTimestamp(stored.entered_in_error_at), entered_in_error_reason: stored.entered_in_error_reason };
    const versions = recordVersions(events, current, { fields: HISTORY_FIELDS, createdAt: stored.created_at.toISOString(), normalize: normalizeValue });
    this.readAudit.recordRead(actor, [{ subject: stored.subject_number, entityId: stored.patient_id }]);
    return { ...historyHeader(stored), vital: toResponse(stored), versions };
  }

  private async findVisible(db: EntityManager, vitalId: string, user: AuthenticatedUser, forUpdate: boolean): Promise<StoredVital> {
    const rows = (await db.query(`${SELECT_VITAL}${forUpdate ? ' FOR UPDATE OF v' : ''}`, [vitalId])) as StoredVital[];
    const stored = rows[0];
    if (!stored || !mayAccessSite(user, stored.site_id)) throw recordNotFound('vital sign', vitalId);
    return stored;
  }

  /** The natural key (subject, visit, measurement time) is one stored record's: 409 naming the other. */
  private async refuseCollision(db: EntityManager, stored: StoredVital, values: VitalValues): Promise<void> {
    const others = (await db.query(
      `SELECT id FROM vital_signs
        WHERE patient_id = $1 AND visit_name = $2 AND measurement_time IS NOT DISTINCT FROM $3::timestamptz
          AND entered_in_error_at IS NULL AND id <> $4
        LIMIT 1`,
      [stored.patient_id, values.visit_name, values.measurement_time, stored.id],
    )) as Array<{ id: string }>;
    if (others.length > 0) throw collision(stored, values, others[0].id);
  }
}

/** A rule's field (store-vitals' name) as a correction names it. */
const CORRECTION_FIELDS: Readonly<Record<string, string>> = {
  VisitName: 'visit_name',
  VisitDate: 'visit_date',
  SystolicBP: 'systolic_bp',
  DiastolicBP: 'diastolic_bp',
  HeartRate: 'heart_rate',
  Temperature: 'temperature',
  RespiratoryRate: 'respiratory_rate',
};
const correctionField = (field: string | null): string => (field === null ? 'correction' : (CORRECTION_FIELDS[field] ?? field));

/** quality_data_point_corrected: the record's open queries become answered, with the reason in their threads. */
async function answerQueries(db: EntityManager, vitalId: string, reason: string, actor: AuditActor): Promise<void> {
  await db.query(`SELECT quality_data_point_corrected($1::uuid, $2::text, $3::jsonb)`, [vitalId, reason, JSON.stringify(actorJson(actor))]);
}

function collision(stored: StoredVital, values: VitalValues, otherId?: string): ConflictException {
  const time = values.measurement_time ?? 'no measurement time';
  return new ConflictException(
    `Subject ${stored.subject_number} already has a vital sign at visit "${values.visit_name}", ${time}${otherId ? ` (${otherId})` : ''}; ` +
      'correct or enter that one in error instead; nothing changed',
  );
}

function toValues(stored: StoredVital): VitalValues {
  return {
    visit_name: stored.visit_name,
    visit_date: stored.visit_date,
    measurement_time: isoTimestamp(stored.measurement_time) as string | null,
    systolic_bp: stored.systolic_bp,
    diastolic_bp: stored.diastolic_bp,
    heart_rate: stored.heart_rate,
    temperature: stored.temperature,
    respiratory_rate: stored.respiratory_rate,
  };
}

function toResponse(stored: StoredVital): VitalSignResponse {
  return {
    id: stored.id,
    ...toValues(stored),
    data_batch: stored.data_batch,
    recorded_at: stored.created_at.toISOString(),
    corrected_at: stored.updated_at?.toISOString() ?? null,
  };
}

/** Values from the trail as the reads write them: timestamps in UTC, temperatures as numbers. */
function normalizeValue(field: string, value: unknown): unknown {
  if (field === 'measurement_time' || field === 'entered_in_error_at') return isoTimestamp(value);
  if (field === 'temperature' && typeof value === 'string') return Number(value);
  return value;
}
