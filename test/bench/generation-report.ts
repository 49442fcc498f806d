import type { GenerationResults } from './generation-phase.js';
import { fmt, type Ratio, ratioLine, row } from './report.js';

const DETAIL_INDENT = ' '.repeat(53);
const optionalSeconds = (label: string, value: number | null): string => (value === null ? `${label} not seen` : `${label} ${fmt(value, 1)} s`);

/** The generation phase's figures, printed after the others: the job, the COPY of the same rows, generation alone, memory, the ratio. */
export function printGenerationResults(results: GenerationResults, generatedToCopy: Ratio | null): void {
  const { job, copy, generationAlone } = results;
  const { memory } = job;
  const lines = [''];
  if (job.outcome === 'stored') {
    const inDatabase =
      job.recordsInDatabase === job.records ? `all ${fmt(job.records)} in edc_vitals` : `MISMATCH: ${fmt(job.recordsInDatabase ?? 0)} in edc_vitals`;
    lines.push(
      row(
        'Generated and stored, rules (job)',
        `${fmt(job.recordsPerSecond)} rec/s`,
        `${fmt(job.records)} records, ${fmt(job.subjects)} subjects, ${fmt(job.adverseEventsInDatabase ?? 0)} adverse events, ${fmt(job.seconds, 2)} s from POST to stored; ${inDatabase}`,
      ),
      `${DETAIL_INDENT}${[
        job.server.waitSeconds === null ? 'queue wait unknown' : `queue wait ${fmt(job.server.waitSeconds, 1)} s`,
        optionalSeconds('every row handed to the COPY at', job.stages.allRowsHandedOverSeconds),
        optionalSeconds('then EDC finish and commit', job.stages.finishSeconds),
        `job status answered within ${fmt(job.slowestPollSeconds, 2)} s`,
      ].join('; ')}`,
    );
  } else {
    lines.push(row('Generated and stored, rules (job)', job.outcome.toUpperCase(), `${fmt(job.records)} records written after ${fmt(job.seconds, 1)} s: ${job.error}`));
  }
  if (copy) lines.push(row('Same rows by COPY', `${fmt(copy.recordsPerSecond)} rec/s`, `${fmt(copy.records)} records, ${fmt(copy.subjects)} subjects, ${fmt(copy.seconds, 2)} s`));
  if (generationAlone) {
    lines.push(
      row(
        'For context: generation alone',
        `${fmt(generationAlone.recordsPerSecond)} rec/s`,
        `the same dataset in the bench process, no database: blocks ${fmt(generationAlone.generateSeconds, 2)} s, manifest ${fmt(generationAlone.manifestSeconds, 2)} s, COPY text ${fmt(generationAlone.copyTextSeconds, 2)} s (${fmt(generationAlone.copyTextMB)} MB)`,
      ),
    );
  }
  lines.push(
    row(
      'Peak memory, platform process',
      `${fmt(memory.platformPeakRssMB)} MB`,
      `RSS high-water mark since ${memory.peakSince}; ${fmt(memory.platformRssBeforeMB)} MB before the job, ${fmt(memory.platformSampledPeakRssMB)} MB highest sampled, ${fmt(memory.platformRssAfterMB)} MB after`,
    ),
  );
  if (generatedToCopy) lines.push('', ratioLine('Generated and stored / COPY', generatedToCopy));
  console.log(lines.join('\n') + '\n');
}
