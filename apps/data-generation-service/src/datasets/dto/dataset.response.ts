import { ApiProperty } from '@nestjs/swagger';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';
import { DATASET_STATES } from '../../../../../database/migrations/1765100000000-generation-datasets.js';
import { GENERATION_METHODS, type GenerationMethod } from '../../generators/dataset.js';
import type { Manifest, ManifestCounts } from '../../generators/manifest.js';
import type { Recipe } from '../../generators/recipe.js';
import type { DatasetRow, DatasetState } from '../dataset.row.js';
import { JobResponse, toJobResponse } from './job.response.js';

/** A stored (or storing) dataset in a list. */
export class DatasetSummary {
  @ApiProperty({ format: 'uuid', description: "also its job's id" })
  id!: string;

  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ enum: GENERATION_METHODS, example: 'rules' })
  method!: GenerationMethod;

  @ApiProperty({ enum: DATASET_STATES, example: 'stored' })
  state!: DatasetState;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42 })
  seed!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 300 })
  subjects!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1_200, description: 'records stored once stored; before, the records the schedule allows for' })
  records!: number;

  @ApiProperty({ type: String, nullable: true, example: 'sha256:9f2c…', description: 'the dataset\'s content hash, once stored (also in its audit event)' })
  content_hash!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'dm.jones', description: 'who asked for it' })
  requested_by!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finished_at!: string | null;
}

export class DatasetPage implements Page<DatasetSummary> {
  @ApiProperty({ type: [DatasetSummary], description: 'newest first' })
  data!: DatasetSummary[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}

/** The manifest's counts, as they are once the dataset is stored. */
export class DatasetCounts implements ManifestCounts {
  @ApiProperty({ type: 'integer', minimum: 0 }) subjects!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'generated records, the not storable ones included' }) records!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) adverse_events!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) injected_errors!: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'records with an error capture refuses: in exports, never stored' }) not_storable_records!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) missing_visits!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) dropouts!: number;
}

export class DatasetResponse extends DatasetSummary {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the normalized generation parameters (with the seed, the design and, for mvn/bootstrap, the source they were made with, they make the dataset again byte for byte)' })
  parameters!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'mvn and bootstrap: where the values were fitted or resampled from' })
  source!: string | null;

  @ApiProperty({ type: DatasetCounts, nullable: true, description: 'null until stored' })
  counts!: DatasetCounts | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'null until stored. The manifest without its lists of injected errors and omissions (their numbers are in counts); the JSON export carries the whole manifest',
  })
  manifest!: Record<string, unknown> | null;

  @ApiProperty({ type: JobResponse, description: 'the job that stores it: state, progress, error' })
  job!: JobResponse;
}

export function toDatasetSummary(row: DatasetRow): DatasetSummary {
  const recipe = row.recipe as Recipe;
  return {
    id: row.id,
    protocol_id: row.protocol_id,
    method: row.method,
    state: row.state,
    seed: recipe.parameters.seed,
    subjects: row.subjects_total,
    records: row.rows_total,
    content_hash: row.content_hash,
    requested_by: row.actor.username,
    created_at: row.created_at.toISOString(),
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}

export function toDatasetResponse(row: DatasetRow): DatasetResponse {
  const recipe = row.recipe as Recipe;
  const manifest = row.manifest as Manifest | null;
  let shortManifest: Record<string, unknown> | null = null;
  if (manifest) {
    const { injected_errors: _injected, omissions: _omissions, ...rest } = manifest;
    shortManifest = rest;
  }
  return {
    ...toDatasetSummary(row),
    parameters: recipe.parameters as unknown as Record<string, unknown>,
    source: recipe.source?.description ?? null,
    counts: manifest?.counts ?? null,
    manifest: shortManifest,
    job: toJobResponse(row),
  };
}
