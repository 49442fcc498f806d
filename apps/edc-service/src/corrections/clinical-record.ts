import { ConflictException } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuditHistoryEvent, readRecordEvents } from '../../../../libs/audit/src/index.js';
import type { WriteEffects } from '../clinical-changes/clinical-changes.service.js';
import type { EnteredInErrorState } from './dto/record-history.response.js';

/** The clinical records that are corrected, entered in error and have a history: one table each. */
const RECORD_KINDS = {
  vital_sign: { table: 'vital_signs', label: 'Vital sign' },
  adverse_event: { table: 'adverse_events', label: 'Adverse event' },
} as const;
export type ClinicalRecordType = keyof typeof RECORD_KINDS;

/** What every kind of stored record knows about itself and its subject. */
export interface StoredClinicalRecord {
  patient_id: string;
  subject_number: string;
  protocol_id: string;
  site_id: string | null;
  treatment_arm: string | null;
  entered_in_error_at: Date | null;
  entered_in_error_reason: string | null;
}

/**
 * Hides a record from reads and analyses, keeping it for its history, in the caller's change
 * (whose reason and action `entered_in_error` the database audits). Twice: 409, nothing changed.
 */
export async function markEnteredInError(
  db: EntityManager,
  effects: WriteEffects,
  type: ClinicalRecordType,
  id: string,
  stored: StoredClinicalRecord,
  reason: string,
): Promise<void> {
  const { table, label } = RECORD_KINDS[type];
  if (stored.entered_in_error_at !== null) {
    throw new ConflictException(
      `${label} ${id} was already entered in error at ${stored.entered_in_error_at.toISOString()} ("${stored.entered_in_error_reason}"); nothing changed`,
    );
  }
  await db.query(`UPDATE ${table} SET entered_in_error_at = now(), entered_in_error_reason = $2 WHERE id = $1`, [id, reason]);
  effects.touchSubject(stored.subject_number, stored.protocol_id);
}

/** A record and its audit events in one snapshot, so they agree (a change commits both together). */
export function readWithEvents<T>(
  dataSource: DataSource,
  type: ClinicalRecordType,
  id: string,
  find: (db: EntityManager) => Promise<T>,
): Promise<readonly [T, AuditHistoryEvent[]]> {
  return dataSource.transaction('REPEATABLE READ', async (snapshot) => [await find(snapshot), await readRecordEvents(snapshot, type, id)] as const);
}

/** The subject and entered-in-error state every history answer starts with. */
export function historyHeader(stored: StoredClinicalRecord): EnteredInErrorState {
  return {
    patient_id: stored.patient_id,
    subject_id: stored.subject_number,
    protocol_id: stored.protocol_id,
    site_id: stored.site_id,
    treatment_arm: stored.treatment_arm,
    entered_in_error: stored.entered_in_error_at !== null,
    entered_in_error_at: stored.entered_in_error_at?.toISOString() ?? null,
    entered_in_error_reason: stored.entered_in_error_reason,
  };
}
