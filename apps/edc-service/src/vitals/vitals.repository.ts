import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Subject, VitalRecord } from './vital-record.js';

export interface StoredSubject extends Omit<Subject, 'treatmentArm'> {
  id: string;
  /** Null for a subject enrolled but not randomized yet. */
  treatmentArm: string | null;
}

export interface StoredMeasurement extends MeasurementKey {
  systolicBp: number;
  diastolicBp: number;
  heartRate: number;
  temperature: number;
  respiratoryRate: number | null;
  visitDate: string | null;
}

/**
 * Set-based SQL for vitals capture: each method is one statement for the whole batch, with the
 * batch passed as column arrays and expanded by `unnest`.
 */
@Injectable()
export class VitalsRepository {
  /** Creates subjects that do not exist yet; returns those created. */
  async insertMissingSubjects(db: EntityManager, subjects: Subject[]): Promise<StoredSubject[]> {
    return db.query(
      `INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm)
       SELECT protocol_id, subject_number, site_id, treatment_arm
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
              AS s(protocol_id, subject_number, site_id, treatment_arm)
       ON CONFLICT (protocol_id, subject_number) DO NOTHING
       RETURNING id, protocol_id AS "protocolId", subject_number AS "subjectNumber", site_id AS "siteId",
                 treatment_arm AS "treatmentArm"`,
      [
        subjects.map((s) => s.protocolId),
        subjects.map((s) => s.subjectNumber),
        subjects.map((s) => s.siteId),
        subjects.map((s) => s.treatmentArm),
      ],
    );
  }

  async findSubjects(db: EntityManager, subjects: Subject[]): Promise<StoredSubject[]> {
    return db.query(
      `SELECT p.id, p.protocol_id AS "protocolId", p.subject_number AS "subjectNumber",
              p.site_id AS "siteId", p.treatment_arm AS "treatmentArm"
         FROM patients p
         JOIN unnest($1::text[], $2::text[]) AS s(protocol_id, subject_number)
           ON p.protocol_id = s.protocol_id AND p.subject_number = s.subject_number`,
      [subjects.map((s) => s.protocolId), subjects.map((s) => s.subjectNumber)],
    );
  }

  /**
   * Inserts the measurements not stored yet (natural key: patient, visit, measurement time) and
   * returns the ids and keys of those inserted. One whose identical values were entered in error
   * counts as stored (not inserted): entering it in error withdrew those values, a re-send must not
   * bring them back.
   */
  async insertNewMeasurements(db: EntityManager, rows: MeasurementRow[], batchId: string): Promise<InsertedMeasurement[]> {
    const inserted: Array<RawKey & { id: string }> = await db.query(
      `INSERT INTO vital_signs (patient_id, visit_name, visit_date, measurement_time, systolic_bp, diastolic_bp,
                                heart_rate, temperature, respiratory_rate, data_batch)
       SELECT patient_id, visit_name, visit_date, measurement_time, systolic_bp, diastolic_bp,
              heart_rate, temperature, respiratory_rate, $10
         FROM unnest($1::uuid[], $2::text[], $3::date[], $4::timestamptz[], $5::int2[], $6::int2[],
                     $7::int2[], $8::numeric[], $9::int2[])
              AS r(patient_id, visit_name, visit_date, measurement_time, systolic_bp, diastolic_bp,
                   heart_rate, temperature, respiratory_rate)
        -- A re-sent measurement that was entered in error is not stored again (a cumulative file, a retry).
        WHERE NOT EXISTS (
                SELECT 1 FROM vital_signs e
                 WHERE e.patient_id = r.patient_id AND e.visit_name = r.visit_name
                   AND e.measurement_time IS NOT DISTINCT FROM r.measurement_time
                   AND e.entered_in_error_at IS NOT NULL
                   AND e.visit_date IS NOT DISTINCT FROM r.visit_date
                   AND e.systolic_bp = r.systolic_bp AND e.diastolic_bp = r.diastolic_bp
                   AND e.heart_rate = r.heart_rate AND e.temperature = r.temperature
                   AND e.respiratory_rate IS NOT DISTINCT FROM r.respiratory_rate)
       ON CONFLICT (patient_id, visit_name, measurement_time) WHERE entered_in_error_at IS NULL DO NOTHING
       RETURNING id, patient_id, visit_name, measurement_time`,
      [
        rows.map((r) => r.patientId),
        rows.map((r) => r.record.visitName),
        rows.map((r) => r.record.visitDate),
        rows.map((r) => r.record.measurementTime),
        rows.map((r) => r.record.systolicBp),
        rows.map((r) => r.record.diastolicBp),
        rows.map((r) => r.record.heartRate),
        rows.map((r) => r.record.temperature),
        rows.map((r) => r.record.respiratoryRate),
        batchId,
      ],
    );
    return inserted.map((row) => ({ id: row.id, ...toKey(row) }));
  }

  /** The stored values of the given measurements (those a retry found already present). */
  async findMeasurements(db: EntityManager, keys: MeasurementKey[]): Promise<StoredMeasurement[]> {
    const rows: Array<RawKey & Omit<StoredMeasurement, keyof MeasurementKey>> = await db.query(
      `SELECT v.patient_id, v.visit_name, v.measurement_time, v.visit_date AS "visitDate",
              v.systolic_bp AS "systolicBp", v.diastolic_bp AS "diastolicBp", v.heart_rate AS "heartRate",
              v.temperature::float8 AS temperature, v.respiratory_rate AS "respiratoryRate"
         FROM vital_signs v
         JOIN unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS k(patient_id, visit_name, measurement_time)
           ON v.patient_id = k.patient_id AND v.visit_name = k.visit_name
          AND v.measurement_time IS NOT DISTINCT FROM k.measurement_time
        WHERE v.entered_in_error_at IS NULL`,
      [keys.map((k) => k.patientId), keys.map((k) => k.visitName), keys.map((k) => k.measurementTime)],
    );
    return rows.map((row) => ({ ...row, ...toKey(row) }));
  }
}

export interface MeasurementRow {
  patientId: string;
  record: VitalRecord;
}

export interface InsertedMeasurement extends MeasurementKey {
  id: string;
}

export interface MeasurementKey {
  patientId: string;
  visitName: string;
  measurementTime: string | null;
}

interface RawKey {
  patient_id: string;
  visit_name: string;
  measurement_time: Date | null;
}

export const keyOf = (key: MeasurementKey): string => `${key.patientId}\u0000${key.visitName}\u0000${key.measurementTime ?? ''}`;

function toKey(row: RawKey): MeasurementKey {
  return { patientId: row.patient_id, visitName: row.visit_name, measurementTime: row.measurement_time?.toISOString() ?? null };
}
