import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, type AuditEventInput, AuditService } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { PlatformConfig } from '../../../../libs/config/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import { subjectCacheTag } from '../patients/subject-cache.js';
import { StudyRules } from '../studies/study-rules.js';
import type { StoreVitalsDto } from './dto/store-vitals.dto.js';
import type { StoreVitalsResponse } from './dto/store-vitals.response.js';
import { prepareBatch, sameMeasurement, subjectKey, toVitalRecord, type PreparedBatch, type VitalRecord } from './vital-record.js';
import { keyOf, type MeasurementRow, type StoredSubject, VitalsRepository } from './vitals.repository.js';

const DEADLOCK = '40P01';
const MAX_ATTEMPTS = 3;

@Injectable()
export class VitalsService {
  private readonly logger = new Logger('Vitals');

  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: VitalsRepository,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
    private readonly config: PlatformConfig,
    private readonly studyRules: StudyRules,
  ) {}

  /**
   * Stores a batch in one transaction with a constant number of statements: all records and their
   * audit events, or nothing. Creates missing subjects; a record already stored (same subject,
   * visit, time) is skipped.
   */
  async store(dto: StoreVitalsDto, user: AuthenticatedUser, actor: AuditActor): Promise<StoreVitalsResponse> {
    const records = dto.records.map((record, index) => toVitalRecord(record, index, this.config.DEFAULT_PROTOCOL_ID));
    refuseRecordsOutsideUserSites(records, user);
    const batch = prepareBatch(records);
    const batchId = randomUUID();
    const cacheTags = batch.subjects.map((subject) => subjectCacheTag(subject.subjectNumber));
    const outcome = await this.withDeadlockRetry(() =>
      this.dataSource.transaction('READ COMMITTED', async (db) => {
        const stored = await this.storeInTransaction(db, batch, batchId, user, actor);
        // Committed with the records: a bump that misses Redis below is applied by another process.
        if (stored.stored > 0) await this.cache.recordInvalidation(db, cacheTags);
        return stored;
      }),
    );
    if (outcome.stored > 0) await this.cache.invalidateTags(cacheTags, { recordedInTransaction: true });
    this.logger.log(
      `batch ${batchId}: ${outcome.stored} of ${dto.records.length} records stored, ${outcome.patientsCreated} subjects created`,
    );
    return {
      records_stored: outcome.stored,
      records_received: dto.records.length,
      records_already_stored: dto.records.length - outcome.stored,
      patients_created: outcome.patientsCreated,
      batch_id: batchId,
    };
  }

  private async storeInTransaction(
    db: EntityManager,
    batch: PreparedBatch,
    batchId: string,
    user: AuthenticatedUser,
    actor: AuditActor,
  ): Promise<{ stored: number; patientsCreated: number }> {
    const studyEvents = await this.studyRules.admit(
      db,
      batch.records.map((record) => ({ label: `records[${record.index}]`, ...pickPlacement(record) })),
    );
    const created = await this.repository.insertMissingSubjects(db, batch.subjects);
    const subjects = new Map((await this.repository.findSubjects(db, batch.subjects)).map((s) => [subjectKey(s), s]));
    const rows: MeasurementRow[] = batch.records.map((record) => {
      const subject = subjects.get(subjectKey(record)) as StoredSubject;
      return { patientId: subject.id, record };
    });
    rejectConflictingSubjects(rows, subjects, user);
    const inserted = await this.repository.insertNewMeasurements(db, rows, batchId);
    const rowsByKey = new Map(rows.map((row) => [keyOf(measurementKeyOf(row)), row]));
    const insertedKeys = new Set(inserted.map(keyOf));
    const alreadyStored = [...rowsByKey].filter(([key]) => !insertedKeys.has(key)).map(([, row]) => row);
    if (alreadyStored.length > 0) await this.rejectChangedValues(db, alreadyStored);
    await this.audit.record(db, actor, [
      ...studyEvents,
      ...created.map((subject) => subjectCreatedEvent(subject)),
      ...inserted.map((measurement) => vitalCreatedEvent(measurement.id, (rowsByKey.get(keyOf(measurement)) as MeasurementRow).record, batchId)),
    ]);
    return { stored: inserted.length, patientsCreated: created.length };
  }

  /** A repeat with other values is a correction, not a retry: refuse it rather than drop it silently. */
  private async rejectChangedValues(db: EntityManager, rows: MeasurementRow[]): Promise<void> {
    const stored = new Map((await this.repository.findMeasurements(db, rows.map(measurementKeyOf))).map((m) => [keyOf(m), m]));
    const problems: ApiErrorDetail[] = [];
    for (const row of rows) {
      const existing = stored.get(keyOf(measurementKeyOf(row)));
      if (existing && !sameMeasurement(row.record, { ...row.record, ...existing })) {
        problems.push({
          field: `records[${row.record.index}]`,
          problems: ['this subject, visit and measurement time is already stored with different values; corrections are not accepted through store-vitals'],
        });
      }
    }
    if (problems.length > 0) {
      throw new ConflictException({
        message: `${problems.length} record(s) would change stored vitals; nothing was stored (first: ${problems[0].field})`,
        details: problems.slice(0, 50),
      });
    }
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

function pickPlacement(record: VitalRecord) {
  return { protocolId: record.protocolId, siteId: record.siteId, visitName: record.visitName, treatmentArm: record.treatmentArm };
}

function measurementKeyOf(row: MeasurementRow) {
  return { patientId: row.patientId, visitName: row.record.visitName, measurementTime: row.record.measurementTime };
}

function subjectCreatedEvent(subject: StoredSubject): AuditEventInput {
  return {
    action: 'create',
    entityType: 'patient',
    entityId: subject.id,
    subject: subject.subjectNumber,
    changes: {
      protocol_id: { old: null, new: subject.protocolId },
      subject_number: { old: null, new: subject.subjectNumber },
      site_id: { old: null, new: subject.siteId },
      treatment_arm: { old: null, new: subject.treatmentArm },
    },
  };
}

function vitalCreatedEvent(id: string, record: VitalRecord, batchId: string): AuditEventInput {
  const values: Record<string, unknown> = {
    visit_name: record.visitName,
    visit_date: record.visitDate,
    measurement_time: record.measurementTime,
    systolic_bp: record.systolicBp,
    diastolic_bp: record.diastolicBp,
    heart_rate: record.heartRate,
    temperature: record.temperature,
    respiratory_rate: record.respiratoryRate,
    data_batch: batchId,
  };
  return {
    action: 'create',
    entityType: 'vital_sign',
    entityId: id,
    subject: record.subjectNumber,
    changes: Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { old: null, new: value }])),
  };
}

/** A user limited to sites writes only for those sites, and must say which. */
function refuseRecordsOutsideUserSites(records: VitalRecord[], user: AuthenticatedUser): void {
  if (!isSiteLimited(user)) return;
  const problems: ApiErrorDetail[] = records
    .filter((record) => !mayAccessSite(user, record.siteId))
    .map((record) => ({
      field: `records[${record.index}].SiteID`,
      problems: [record.siteId === null ? `is required for users limited to sites (${user.siteIds.join(', ')})` : `is not one of your sites (${user.siteIds.join(', ')})`],
    }));
  if (problems.length > 0) {
    throw new ForbiddenException({ message: `Records outside your sites; nothing was stored (first: ${problems[0].field})`, details: problems.slice(0, 50) });
  }
}

/** A subject keeps its arm and site: a record saying otherwise is refused, naming the record. */
function rejectConflictingSubjects(rows: MeasurementRow[], subjects: Map<string, StoredSubject>, user: AuthenticatedUser): void {
  // First, so that nothing about another site's subject (its arm, its site) is revealed.
  const outside = rows.find(({ record }) => !mayAccessSite(user, (subjects.get(subjectKey(record)) as StoredSubject).siteId));
  if (outside) {
    throw new ForbiddenException(`records[${outside.record.index}]: subject ${outside.record.subjectNumber} is not at one of your sites; nothing was stored`);
  }
  const problems: ApiErrorDetail[] = [];
  for (const { record } of rows) {
    const stored = subjects.get(subjectKey(record)) as StoredSubject;
    if (stored.treatmentArm === null) {
      problems.push({
        field: `records[${record.index}].TreatmentArm`,
        problems: [`subject ${record.subjectNumber} is not randomized yet: its arm is assigned by POST /edc/patients/${record.subjectNumber}/randomize; record its vitals with POST /edc/patients/${record.subjectNumber}/vitals`],
      });
    } else if (stored.treatmentArm !== record.treatmentArm) {
      problems.push({
        field: `records[${record.index}].TreatmentArm`,
        problems: [`subject ${record.subjectNumber} is in arm "${stored.treatmentArm}"`],
      });
    }
    if (record.siteId !== null && stored.siteId !== null && stored.siteId !== record.siteId) {
      problems.push({
        field: `records[${record.index}].SiteID`,
        problems: [`subject ${record.subjectNumber} belongs to site "${stored.siteId}"`],
      });
    }
  }
  if (problems.length > 0) {
    throw new ConflictException({
      message: `Records contradict stored subjects; nothing was stored (first: ${problems[0].field} ${problems[0].problems[0]})`,
      details: problems.slice(0, 50),
    });
  }
}
