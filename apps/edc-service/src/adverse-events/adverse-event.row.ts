import type { AdverseEventResponse } from './dto/adverse-event.response.js';
import type { ActionTaken, BodySystem, Outcome, Relationship } from './adverse-event-fields.js';

/** One adverse event with its subject, as `ADVERSE_EVENT_SELECT` reads it. */
export interface AdverseEventRow {
  id: string;
  patient_id: string;
  subject_number: string;
  protocol_id: string;
  site_id: string | null;
  term: string;
  body_system: BodySystem;
  onset_date: string;
  end_date: string | null;
  severity_grade: number;
  serious: boolean;
  relationship: Relationship;
  outcome: Outcome;
  action_taken: ActionTaken;
  entered_in_error_at: Date | null;
  entered_in_error_reason: string | null;
  created_at: Date;
  updated_at: Date | null;
}

/** Adverse events of `source` (a table or a CTE's name, as `a`) with their subject (`p`): add a WHERE clause. */
export const adverseEventSelect = (source = 'adverse_events'): string => `
  SELECT a.id, a.patient_id, p.subject_number, p.protocol_id, p.site_id,
         a.term, a.body_system, a.onset_date, a.end_date, a.severity_grade, a.serious,
         a.relationship, a.outcome, a.action_taken,
         a.entered_in_error_at, a.entered_in_error_reason, a.created_at, a.updated_at
    FROM ${source} a JOIN patients p ON p.id = a.patient_id`;

/** Stored adverse events with their subject: add a WHERE clause. */
export const ADVERSE_EVENT_SELECT = adverseEventSelect();

export function toAdverseEventResponse(row: AdverseEventRow): AdverseEventResponse {
  return {
    id: row.id,
    subject_id: row.subject_number,
    protocol_id: row.protocol_id,
    site_id: row.site_id,
    term: row.term,
    body_system: row.body_system,
    onset_date: row.onset_date,
    end_date: row.end_date,
    severity_grade: row.severity_grade,
    serious: row.serious,
    relationship: row.relationship,
    outcome: row.outcome,
    action_taken: row.action_taken,
    entered_in_error: row.entered_in_error_at !== null,
    entered_in_error_reason: row.entered_in_error_reason,
    recorded_at: row.created_at.toISOString(),
    corrected_at: row.updated_at?.toISOString() ?? null,
  };
}
