import cliProgress from 'cli-progress';
import type { SubjectBlock } from '../generators/dataset.js';

/** Below this many expected records a run is over before a bar would say anything. */
export const PROGRESS_MIN_RECORDS = 10_000;
/** The bar is redrawn on a timer; telling it every subject would cost more than it shows. */
const UPDATE_EVERY_BLOCKS = 256;

export interface Progress {
  advance(block: SubjectBlock): void;
  stop(): void;
}

const SILENT: Progress = { advance: () => undefined, stop: () => undefined };

/**
 * A progress bar on the terminal's standard error (standard output may be the data), counting
 * subjects over every pass; nothing at all when standard error is not a terminal or the run is short.
 */
export function progressFor(stderr: NodeJS.WritableStream & { isTTY?: boolean }, run: { subjects: number; expectedRecords: number; passes: number }): Progress {
  if (!stderr.isTTY || run.expectedRecords <= PROGRESS_MIN_RECORDS) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr,
      format: 'generating |{bar}| {percentage}% | {value}/{total} subjects{pass} | {records} records | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const total = run.subjects * run.passes;
  bar.start(total, 0, { records: 0, pass: run.passes > 1 ? ` (${run.passes} passes)` : '' });
  let subjects = 0;
  let records = 0;
  return {
    advance(block) {
      subjects += 1;
      // JSON passes over the same records three times: count them once.
      if (subjects <= run.subjects) records += block.records.length;
      if (subjects % UPDATE_EVERY_BLOCKS === 0 || subjects === total) bar.update(subjects, { records: records.toLocaleString('en-US') });
    },
    stop: () => bar.stop(),
  };
}
