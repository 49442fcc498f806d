import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { VitalRecordBody } from './workload.js';

export interface CopyFigures {
  records: number;
  subjects: number;
  seconds: number;
  recordsPerSecond: number;
}

/** A record as COPY loads it: the workload's, or a generated one (whose respiratory rate may be absent). */
export type CopiedRecord = Omit<VitalRecordBody, 'RespiratoryRate'> & { RespiratoryRate?: number };

/** COPY text format: tab-separated, `\N` for null (or absent), backslash escapes. */
function copyLine(values: Array<string | number | null | undefined>): string {
  return values.map((value) => (value === null || value === undefined ? '\\N' : String(value).replace(/[\\\t\n\r]/g, (c) => escapes[c]))).join('\t') + '\n';
}
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

async function copyRows(client: pg.Client, sql: string, text: string): Promise<number> {
  const stream = client.query(copyStreams.from(sql));
  await pipeline(Readable.from([text]), stream);
  return stream.rowCount;
}

/**
 * Loads the records as directly as PostgreSQL allows: subjects, then their measurements, each by
 * one COPY, in one transaction (the same all-or-nothing unit a store-vitals batch has). Records
 * must belong to `protocolId` only, and to subjects not stored yet. The timed part starts at BEGIN:
 * the connection is already open, as the platform's pooled ones are.
 */
export async function copyLoad(client: pg.Client, protocolId: string, records: CopiedRecord[]): Promise<CopyFigures> {
  const subjects = new Map(records.map((r) => [r.SubjectID, r]));
  const patientsText = [...subjects.values()].map((r) => copyLine([protocolId, r.SubjectID, r.SiteID, r.TreatmentArm])).join('');
  const started = performance.now();
  await client.query('BEGIN');
  try {
    const patients = await copyRows(client, 'COPY patients (protocol_id, subject_number, site_id, treatment_arm) FROM STDIN', patientsText);
    const ids = new Map(
      (await client.query<{ id: string; subject_number: string }>('SELECT id, subject_number FROM patients WHERE protocol_id = $1', [protocolId])).rows.map(
        (row) => [row.subject_number, row.id],
      ),
    );
    const batch = randomUUID();
    const vitalsText = records
      .map((r) =>
        copyLine([
          ids.get(r.SubjectID) ?? null,
          r.VisitName,
          r.VisitDate,
          r.MeasurementTime,
          r.SystolicBP,
          r.DiastolicBP,
          r.HeartRate,
          r.Temperature,
          r.RespiratoryRate,
          batch,
        ]),
      )
      .join('');
    const vitals = await copyRows(
      client,
      `COPY vital_signs (patient_id, visit_name, visit_date, measurement_time, systolic_bp, diastolic_bp,
                         heart_rate, temperature, respiratory_rate, data_batch) FROM STDIN`,
      vitalsText,
    );
    await client.query('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    if (patients !== subjects.size || vitals !== records.length) {
      throw new Error(`COPY stored ${patients} subjects and ${vitals} records; expected ${subjects.size} and ${records.length}`);
    }
    return { records: vitals, subjects: patients, seconds, recordsPerSecond: vitals / seconds };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
