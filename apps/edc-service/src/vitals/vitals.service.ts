import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import { PatientsService } from '../patients/patients.service.js';
import type { CaptureVitalDto } from './dto/capture-vital.dto.js';
import type { CapturedVitalResponse } from './dto/captured-vital.response.js';
import type { StoreVitalsDto } from './dto/store-vitals.dto.js';
import type { StoreVitalsResponse } from './dto/store-vitals.response.js';
import { toVitalSignResponse } from './dto/subject-vitals.response.js';
import { VitalSign } from './vital-sign.entity.js';
import { recordsLabel, toSubjectVitalRecord, toVitalRecord, type VitalRecord } from './vital-record.js';
import { VitalsWriter } from './vitals-writer.js';
import { wholeRequestPolicy } from './whole-request-policy.js';

const DEADLOCK = '40P01';
const MAX_ATTEMPTS = 3;

/** Vitals capture stored whole or not at all: store-vitals (a batch) and one record of a known subject. */
@Injectable()
export class VitalsService {
  private readonly logger = new Logger('Vitals');

  constructor(
    private readonly changes: ClinicalChanges,
    private readonly writer: VitalsWriter,
    private readonly patients: PatientsService,
    private readonly config: PlatformConfig,
  ) {}

  /**
   * Stores a batch in one transaction with a constant number of statements: all records and their
   * audit events, or nothing. Creates missing subjects; a record already stored (same subject,
   * visit, time) is skipped.
   */
  async store(dto: StoreVitalsDto, user: AuthenticatedUser, actor: AuditActor): Promise<StoreVitalsResponse> {
    const records = dto.records.map((record, index) => toVitalRecord(record, index, this.config.DEFAULT_PROTOCOL_ID));
    const batchId = randomUUID();
    const outcome = await this.withDeadlockRetry(() =>
      this.changes.write(actor, (db, effects) =>
        this.writer.write(db, effects, { records, batchId, user, actor, label: recordsLabel, policy: wholeRequestPolicy(recordsLabel) }),
      ),
    );
    this.logger.log(`batch ${batchId}: ${outcome.stored} of ${dto.records.length} records stored, ${outcome.patientsCreated} subjects created`);
    return {
      records_stored: outcome.stored,
      records_received: dto.records.length,
      records_already_stored: dto.records.length - outcome.stored,
      patients_created: outcome.patientsCreated,
      batch_id: batchId,
      queries_opened: outcome.queriesOpened,
    };
  }

  /** One record of a subject the user may see (404 otherwise), with the subject's protocol, site and arm. */
  async capture(subjectNumber: string, protocolId: string | undefined, dto: CaptureVitalDto, user: AuthenticatedUser, actor: AuditActor): Promise<CapturedVitalResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    const record = toSubjectVitalRecord(patient, dto);
    const label = () => 'record';
    const batchId = randomUUID();
    const { outcome, stored } = await this.withDeadlockRetry(() =>
      this.changes.write(actor, async (db, effects) => {
        const written = await this.writer.write(db, effects, { records: [record], batchId, user, actor, label, policy: wholeRequestPolicy(label) });
        return { outcome: written, stored: await findStored(db, patient.id, record) };
      }),
    );
    return {
      patient_id: patient.id,
      subject_id: patient.subjectNumber,
      protocol_id: patient.protocolId,
      site_id: patient.siteId,
      treatment_arm: patient.treatmentArm,
      already_stored: outcome.stored === 0,
      entered_in_error: stored.enteredInErrorAt !== null,
      vital: toVitalSignResponse(stored),
    };
  }

  private async withDeadlockRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (code !== DEADLOCK || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}

/**
 * The stored measurement a record names (just stored, or stored by an earlier try); else the one
 * entered in error with the record's values, which a re-send does not store again.
 */
function findStored(db: EntityManager, patientId: string, record: VitalRecord): Promise<VitalSign> {
  return db
    .getRepository(VitalSign)
    .createQueryBuilder('v')
    .where('v.patient_id = :patientId AND v.visit_name = :visitName', { patientId, visitName: record.visitName })
    .andWhere('v.measurement_time IS NOT DISTINCT FROM CAST(:measurementTime AS timestamptz)', { measurementTime: record.measurementTime })
    .andWhere(
      `(v.entered_in_error_at IS NULL OR (v.visit_date IS NOT DISTINCT FROM CAST(:visitDate AS date) AND v.systolic_bp = :systolicBp
        AND v.diastolic_bp = :diastolicBp AND v.heart_rate = :heartRate AND v.temperature = CAST(:temperature AS numeric)
        AND v.respiratory_rate IS NOT DISTINCT FROM CAST(:respiratoryRate AS int2)))`,
      {
        visitDate: record.visitDate,
        systolicBp: record.systolicBp,
        diastolicBp: record.diastolicBp,
        heartRate: record.heartRate,
        temperature: record.temperature,
        respiratoryRate: record.respiratoryRate,
      },
    )
    .orderBy('v.entered_in_error_at', 'DESC', 'NULLS FIRST')
    .getOneOrFail();
}
