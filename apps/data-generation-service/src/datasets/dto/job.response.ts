import { ApiProperty } from '@nestjs/swagger';
import { DATASET_STATES } from '../../../../../database/migrations/1765100000000-generation-datasets.js';
import type { DatasetRow, DatasetState } from '../dataset.row.js';

/**
 * A background job that stores a generated dataset. Its id is the dataset's id: one job per
 * dataset, so `/jobs/{id}` and `/datasets/{id}` name the same thing.
 */
export class JobResponse {
  @ApiProperty({ format: 'uuid', description: "the job's id, which is also its dataset's id" })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  dataset_id!: string;

  @ApiProperty({
    enum: DATASET_STATES,
    example: 'running',
    description: 'queued (waiting for a process to take it, or for another attempt after its process stopped), running, stored, failed or cancelled',
  })
  state!: DatasetState;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100, example: 42, description: 'subjects handed to the database so far, in percent; 100 only once stored' })
  percent!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 84_000, description: 'vital-signs records handed to the database so far (storable ones: the others are never stored); all stored at once, at the end' })
  rows_written!: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 200_000,
    description: 'records the schedule allows for (subjects × visits) until the dataset is stored; then the records stored',
  })
  rows_total!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 21_000 })
  subjects_written!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 50_000 })
  subjects_total!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'attempts so far (a job whose process stopped runs again from the start)' })
  attempts!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'why it failed (or why the last attempt stopped, while another is to come); nothing of a failed dataset is stored',
  })
  error!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'who cancelled it (their username), once cancelled; also in its audit event' })
  cancelled_by!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at!: string | null;
}

/** Progress in percent, by subjects (exact, unlike records, whose number depends on missed visits and dropouts). */
export function percentOf(row: Pick<DatasetRow, 'state' | 'subjects_written' | 'subjects_total'>): number {
  if (row.state === 'stored') return 100;
  if (row.state !== 'running' || row.subjects_total === 0) return 0;
  return Math.min(99, Math.floor((row.subjects_written * 100) / row.subjects_total));
}

export function toJobResponse(row: DatasetRow): JobResponse {
  return {
    id: row.id,
    dataset_id: row.id,
    state: row.state,
    percent: percentOf(row),
    rows_written: row.rows_written,
    rows_total: row.rows_total,
    subjects_written: row.subjects_written,
    subjects_total: row.subjects_total,
    attempts: row.attempts,
    error: row.error,
    cancelled_by: row.cancelled_by?.username ?? null,
    created_at: row.created_at.toISOString(),
    started_at: row.started_at?.toISOString() ?? null,
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}
