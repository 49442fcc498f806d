import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AdverseEventFields } from './adverse-event-fields.js';
import { ADVERSE_EVENT_SELECT, type AdverseEventRow, adverseEventSelect } from './adverse-event.row.js';

/** The adverse_events table, in SQL: there is no entity for it. */
@Injectable()
export class AdverseEventsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts one event of a subject and reads it back with its subject (the database refuses it when the subject is locked). */
  async insert(db: EntityManager, patientId: string, event: AdverseEventFields): Promise<AdverseEventRow> {
    const rows: AdverseEventRow[] = await db.query(
      `WITH inserted AS (
         INSERT INTO adverse_events (patient_id, term, body_system, onset_date, end_date, severity_grade, serious, relationship, outcome, action_taken)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING *)
       ${adverseEventSelect('inserted')}`,
      [
        patientId,
        event.term,
        event.body_system,
        event.onset_date,
        event.end_date,
        event.severity_grade,
        event.serious,
        event.relationship,
        event.outcome,
        event.action_taken,
      ],
    );
    return rows[0];
  }

  /** A subject's events that are not entered in error, by onset (then end, then when recorded). */
  listForPatient(patientId: string): Promise<AdverseEventRow[]> {
    return this.dataSource.query(
      `${ADVERSE_EVENT_SELECT}
        WHERE a.patient_id = $1 AND a.entered_in_error_at IS NULL
        ORDER BY a.onset_date, a.end_date NULLS LAST, a.created_at, a.id`,
      [patientId],
    );
  }

  /** One event, entered in error or not; null when there is none. */
  async find(id: string): Promise<AdverseEventRow | null> {
    const rows: AdverseEventRow[] = await this.dataSource.query(`${ADVERSE_EVENT_SELECT} WHERE a.id = $1`, [id]);
    return rows[0] ?? null;
  }
}
