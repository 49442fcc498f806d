import type { MessageKind, QueryStatus } from './query-lifecycle.js';

/** A row of quality_queries, with its age computed by the database (see QUERY_AGE_DAYS). */
export interface QueryRow {
  id: string;
  protocol_id: string;
  site_id: string | null;
  subject_id: string;
  patient_id: string | null;
  vital_sign_id: string | null;
  visit_name: string | null;
  field: string | null;
  value: string | null;
  rule_id: string | null;
  severity: string;
  message: string;
  status: QueryStatus;
  origin: 'run' | 'capture' | 'manual';
  run_id: string | null;
  assigned_user_id: string | null;
  assigned_username: string | null;
  assigned_site_id: string | null;
  opened_by: string | null;
  opened_by_username: string | null;
  opened_at: Date;
  answered_at: Date | null;
  closed_at: Date | null;
  cancelled_at: Date | null;
  reopened_count: number;
  updated_at: Date;
  age_days: number;
}

export interface QueryMessageRow {
  id: string;
  kind: MessageKind;
  body: string;
  status_after: QueryStatus;
  author_id: string | null;
  author_username: string | null;
  created_at: Date;
}
