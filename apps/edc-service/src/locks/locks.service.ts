import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { PatientsService } from '../patients/patients.service.js';
import type { LockSubjectDto, UnlockSubjectDto } from './dto/lock-subject.dto.js';
import { type LockRow, type SubjectLockResponse, type SubjectLocksResponse, toLockResponse } from './dto/lock.response.js';

const LOCK_COLUMNS = `id, visit_name, locked_at, locked_by, locked_by_username, reason, unlocked_at, unlocked_by, unlocked_by_username, unlock_reason`;

/** "Visit Week 4 of subject RA001-001" or "All data of subject RA001-001", as the database's refusals say it. */
function scopeOf(subjectNumber: string, visitName: string | null | undefined): string {
  return visitName ? `Visit ${visitName} of subject ${subjectNumber}` : `All data of subject ${subjectNumber}`;
}

/**
 * Locks on a subject's data or one visit. The database refuses writes to locked data (its guard
 * trigger, SQLSTATE CT409); this service places and lifts the locks. Placing or lifting one takes
 * the subject's row FOR UPDATE first: that waits for writes in flight (they hold KEY SHARE on it)
 * and makes later writes wait for the lock's commit, so no write slips past a new lock.
 */
@Injectable()
export class LocksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly changes: ClinicalChanges,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async lock(subjectNumber: string, protocolId: string | undefined, dto: LockSubjectDto, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectLockResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    const visitName = dto.visit_name ?? null;
    const lock = await this.changes.write(actor, async (db, effects) => {
      await holdSubject(db, patient.id);
      if (visitName !== null) await requireKnownVisit(db, patient, visitName);
      // Stamped once the subject is held: a write committed before it has an earlier time.
      const inserted: LockRow[] = await db.query(
        `INSERT INTO edc_locks (patient_id, visit_name, locked_at, locked_by, locked_by_username, reason)
         VALUES ($1, $2, clock_timestamp(), $3, $4, $5)
         ON CONFLICT (patient_id, coalesce(visit_name, '')) WHERE unlocked_at IS NULL DO NOTHING
         RETURNING ${LOCK_COLUMNS}`,
        [patient.id, visitName, user.id, user.username, dto.reason ?? null],
      );
      if (inserted.length === 0) throw await alreadyLocked(db, patient, visitName);
      effects.audit({
        action: 'lock',
        entityType: 'patient',
        entityId: patient.id,
        subject: patient.subjectNumber,
        changes: { lock_id: { old: null, new: inserted[0].id }, visit_name: { old: null, new: visitName } },
        reason: dto.reason ?? null,
      });
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return inserted[0];
    });
    return { subject_id: patient.subjectNumber, protocol_id: patient.protocolId, ...toLockResponse(lock) };
  }

  async unlock(subjectNumber: string, protocolId: string | undefined, dto: UnlockSubjectDto, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectLockResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    const visitName = dto.visit_name ?? null;
    const lock = await this.changes.write(actor, async (db, effects) => {
      await holdSubject(db, patient.id);
      // TypeORM answers UPDATE ... RETURNING with [rows, affectedCount].
      const [updated] = (await db.query(
        `UPDATE edc_locks
            SET unlocked_at = clock_timestamp(), unlocked_by = $3, unlocked_by_username = $4, unlock_reason = $5
          WHERE patient_id = $1 AND visit_name IS NOT DISTINCT FROM $2::varchar AND unlocked_at IS NULL
          RETURNING ${LOCK_COLUMNS}`,
        [patient.id, visitName, user.id, user.username, dto.reason],
      )) as [LockRow[], number];
      if (updated.length === 0) throw await notLocked(db, patient, visitName);
      effects.audit({
        action: 'unlock',
        entityType: 'patient',
        entityId: patient.id,
        subject: patient.subjectNumber,
        changes: { lock_id: { old: updated[0].id, new: null }, visit_name: { old: visitName, new: null } },
        reason: dto.reason,
      });
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return updated[0];
    });
    return { subject_id: patient.subjectNumber, protocol_id: patient.protocolId, ...toLockResponse(lock) };
  }

  /** Open and past locks, read from the database every time (a lock decides what may be written). */
  async list(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectLocksResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    const rows: LockRow[] = await this.dataSource.query(`SELECT ${LOCK_COLUMNS} FROM edc_locks WHERE patient_id = $1 ORDER BY locked_at, id`, [patient.id]);
    this.readAudit.recordRead(actor, [{ subject: patient.subjectNumber, entityId: patient.id }]);
    return {
      patient_id: patient.id,
      subject_id: patient.subjectNumber,
      protocol_id: patient.protocolId,
      site_id: patient.siteId,
      treatment_arm: patient.treatmentArm,
      locks: rows.map(toLockResponse),
    };
  }
}

/** Serializes with every writer of the subject's data (see the class comment). */
async function holdSubject(db: EntityManager, patientId: string): Promise<void> {
  await db.query(`SELECT id FROM patients WHERE id = $1 FOR UPDATE`, [patientId]);
}

async function requireKnownVisit(db: EntityManager, patient: Patient, visitName: string): Promise<void> {
  const [{ known, visits }]: Array<{ known: boolean; visits: string[] | null }> = await db.query(
    `SELECT EXISTS (SELECT 1 FROM study_visits WHERE protocol_id = $1 AND visit_name = $2)
            OR EXISTS (SELECT 1 FROM vital_signs WHERE patient_id = $3 AND visit_name = $2) AS known,
            (SELECT array_agg(visit_name ORDER BY display_order) FROM study_visits WHERE protocol_id = $1) AS visits`,
    [patient.protocolId, visitName, patient.id],
  );
  if (known) return;
  throw new BadRequestException({
    message: `Visit ${visitName} is neither a visit of protocol ${patient.protocolId} nor a visit with data of subject ${patient.subjectNumber}; nothing was locked`,
    details: [{ field: 'visit_name', problems: [`must be a visit of the study (${(visits ?? []).join(', ') || 'none'}) or one with stored data`] }],
  });
}

async function alreadyLocked(db: EntityManager, patient: Patient, visitName: string | null): Promise<ConflictException> {
  const [open]: LockRow[] = await db.query(
    `SELECT ${LOCK_COLUMNS} FROM edc_locks WHERE patient_id = $1 AND visit_name IS NOT DISTINCT FROM $2::varchar AND unlocked_at IS NULL`,
    [patient.id, visitName],
  );
  const holder = open ? ` by ${open.locked_by_username} since ${open.locked_at.toISOString()}` : '';
  return new ConflictException(`${scopeOf(patient.subjectNumber, visitName)} is already locked${holder}`);
}

async function notLocked(db: EntityManager, patient: Patient, visitName: string | null): Promise<NotFoundException> {
  const open: Array<{ visit_name: string | null }> = await db.query(
    `SELECT visit_name FROM edc_locks WHERE patient_id = $1 AND unlocked_at IS NULL ORDER BY locked_at`,
    [patient.id],
  );
  const others = open.map((lock) => (lock.visit_name === null ? 'all data' : `visit ${lock.visit_name}`));
  return new NotFoundException(
    `${scopeOf(patient.subjectNumber, visitName)} is not locked${others.length > 0 ? ` (open locks: ${others.join(', ')})` : ''}`,
  );
}
