import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { GenerationMethod } from '../generators/dataset.js';
import type { DATASET_STATES } from '../../../../database/migrations/1765100000000-generation-datasets.js';

export type DatasetState = (typeof DATASET_STATES)[number];

/** States a dataset leaves no more: its job is over. */
export const FINISHED_STATES: readonly DatasetState[] = ['stored', 'failed', 'cancelled'];

/** One row of `generation_datasets`, as the repository reads it. */
export interface DatasetRow {
  id: string;
  protocol_id: string;
  method: GenerationMethod;
  /** Everything needed to make the dataset again, byte for byte. */
  recipe: unknown;
  /** Who asked for it: the audit actor of the request. */
  actor: AuditActor;
  state: DatasetState;
  /** Records the schedule allows for (subjects × visits) until stored; then the records stored. */
  rows_total: number;
  subjects_total: number;
  rows_written: number;
  subjects_written: number;
  attempts: number;
  error: string | null;
  manifest: Record<string, unknown> | null;
  content_hash: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  heartbeat_at: Date | null;
  /** Who cancelled it (the audit actor of the request), once cancelled. */
  cancelled_by: AuditActor | null;
}
