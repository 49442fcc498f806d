import type pg from 'pg';
import { copyLoad, type CopyFigures } from './copy-loader.js';
import { readRecipe, regenerate, type RegeneratedDataset } from './generation-baseline.js';
import { generateAndFollow, type FollowedJob, type Headers } from './generation-job.js';
import { readMemory, resetPeak, sampleMemory } from './process-memory.js';
import type { NodeChild } from './processes.js';
import { GENERATION_JOB_TIMEOUT_MS, GENERATION_VISITS_PER_SUBJECT, PROTOCOL } from './settings.js';

const MB = 1024 * 1024;
const RSS_SAMPLE_INTERVAL_MS = 200;
const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
const between = (from: string | null, to: string | null): number | null => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);

/** The generated-and-stored figure: POST /generation/generate/rules with "store": true, until its job is stored. */
export interface GenerationFigures {
  outcome: 'stored' | 'failed' | 'cancelled' | 'gave up';
  /** Why it failed or was given up; null when stored. */
  error: string | null;
  datasetId: string;
  parameters: Record<string, unknown>;
  subjects: number;
  /** The job's rows_total once stored: the records the EDC stored. */
  records: number;
  /** Rows of edc_vitals with the dataset's id, counted after the job: must equal `records`. */
  recordsInDatabase: number | null;
  adverseEventsInDatabase: number | null;
  /** From the POST to the bench seeing `stored` (polled every 100 ms). */
  seconds: number;
  recordsPerSecond: number;
  /**
   * Where the time went, as the bench saw it: from the POST until every row was seen handed to the
   * COPY (queue wait, generation, COPY into the load's table), then the EDC's finish and the commit.
   * Seen by polling: late by at most `slowestPollSeconds`.
   */
  stages: { allRowsHandedOverSeconds: number | null; finishSeconds: number | null };
  /** The longest the platform took to answer a GET of the job while it ran (a busy event loop shows here). */
  slowestPollSeconds: number;
  /** The job's own timestamps: created to started, started to finished. */
  server: { waitSeconds: number | null; runSeconds: number | null; attempts: number };
  memory: {
    platformRssBeforeMB: number;
    /** VmHWM of the platform process after the job, reset just before the POST (else since the process started). */
    platformPeakRssMB: number;
    peakSince: 'the POST (VmHWM reset)' | 'the platform started (VmHWM could not be reset)';
    /** Highest VmRSS read every 200 ms during the job. */
    platformSampledPeakRssMB: number;
    platformRssAfterMB: number;
  };
}

export interface GenerationResults {
  job: GenerationFigures;
  /** The same records (and their subjects) COPY'd by copy-loader in the same run; absent when the job did not store. */
  copy: CopyFigures | null;
  /** The same dataset generated again in the bench process, without a database: the generator's own rate (COPY text is ASCII: characters are bytes). */
  generationAlone: (RegeneratedDataset['timing'] & { copyTextMB: number }) | null;
}

async function countRows(db: pg.Client, view: string, datasetId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${view} WHERE dataset_id = $1`, [datasetId]);
  return rows[0].n;
}

function jobFigures(followed: FollowedJob, parameters: Record<string, unknown>, memory: GenerationFigures['memory']): GenerationFigures {
  const { last } = followed;
  const outcome = followed.gaveUp ? 'gave up' : last.state === 'stored' ? 'stored' : last.state === 'cancelled' ? 'cancelled' : 'failed';
  const records = outcome === 'stored' ? last.rows_total : last.rows_written;
  const ended = followed.endedMs / 1000;
  return {
    outcome,
    error: outcome === 'stored' ? null : (last.error ?? `ended ${last.state} without a message`),
    datasetId: last.id,
    parameters,
    subjects: last.subjects_written,
    records,
    recordsInDatabase: null,
    adverseEventsInDatabase: null,
    seconds: ended,
    recordsPerSecond: records / ended,
    stages: {
      allRowsHandedOverSeconds: seconds(followed.allRowsWrittenMs),
      finishSeconds: followed.allRowsWrittenMs !== null && outcome === 'stored' ? (followed.endedMs - followed.allRowsWrittenMs) / 1000 : null,
    },
    slowestPollSeconds: followed.slowestPollMs / 1000,
    server: { waitSeconds: between(last.created_at, last.started_at), runSeconds: between(last.started_at, last.finished_at), attempts: last.attempts },
    memory,
  };
}

/**
 * Generates and stores `records` vital records through the platform (rules, default parameters,
 * the default study), watching the platform process's memory; then, when stored, makes the same
 * rows again in this process and COPYs them (subjects into patients, records into vital_signs)
 * as the ingestion phase's baseline does. A failed job is reported, not thrown.
 */
export async function measureGeneration(
  origin: string,
  signIn: () => Promise<Headers>,
  db: pg.Client,
  platform: NodeChild,
  records: number,
): Promise<GenerationResults> {
  const pid = platform.process.pid;
  if (pid === undefined) throw new Error('the platform process has no pid');
  const parameters = { n_total: records / GENERATION_VISITS_PER_SUBJECT };
  const before = await readMemory(pid);
  const reset = await resetPeak(pid);
  const sampler = sampleMemory(pid, RSS_SAMPLE_INTERVAL_MS);
  let followed: FollowedJob;
  let sampled: { peakRssBytes: number };
  try {
    followed = await generateAndFollow(origin, 'rules', parameters, signIn, GENERATION_JOB_TIMEOUT_MS, () =>
      platform.exited() ? 'the platform process exited' : undefined,
    );
  } finally {
    sampled = await sampler.stop();
  }
  // A platform that died mid-job has no /proc entry left: its sampled peak is all there is.
  const after = await readMemory(pid).catch(() => ({ rssBytes: 0, peakRssBytes: sampled.peakRssBytes }));
  const job = jobFigures(followed, parameters, {
    platformRssBeforeMB: before.rssBytes / MB,
    platformPeakRssMB: after.peakRssBytes / MB,
    peakSince: reset ? 'the POST (VmHWM reset)' : 'the platform started (VmHWM could not be reset)',
    platformSampledPeakRssMB: Math.max(sampled.peakRssBytes, after.rssBytes) / MB,
    platformRssAfterMB: after.rssBytes / MB,
  });
  if (job.outcome !== 'stored') return { job, copy: null, generationAlone: null };

  job.recordsInDatabase = await countRows(db, 'edc_vitals', job.datasetId);
  job.adverseEventsInDatabase = await countRows(db, 'edc_adverse_events', job.datasetId);
  const dataset = regenerate(await readRecipe(db, job.datasetId));
  if (dataset.records.length !== job.records) {
    throw new Error(`the recipe made again gives ${dataset.records.length} storable records; the job stored ${job.records}`);
  }
  const copy = await copyLoad(db, PROTOCOL.generationCopy, dataset.records);
  return {
    job,
    copy,
    generationAlone: { ...dataset.timing, copyTextMB: dataset.copyTextCharacters / MB },
  };
}
