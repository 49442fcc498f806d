import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { CopyFigures } from './copy-loader.js';
import type { GenerationResults } from './generation-phase.js';
import type { IngestionFigures, ReadFigures } from './http-load.js';
import type { AnalyticsResults } from './analytics-phase.js';
import type { QualityResults } from './quality-phase.js';

export const TARGET_RATIO = 0.5;

export interface Ratio {
  value: number;
  target: number;
  meetsTarget: boolean;
}

export interface BenchResults {
  timestamp: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string; postgres: string; redis: string };
  settings: Record<string, number | string | boolean>;
  ingestion: IngestionFigures;
  copy: CopyFigures;
  ingestionRuns: IngestionFigures[];
  copyRuns: CopyFigures[];
  cachedReads: ReadFigures;
  bareReads: ReadFigures;
  /** The same bare handler inside plain Express: the framework's own ceiling, for context. */
  expressReads: ReadFigures;
  ratios: {
    ingestionToCopy: Ratio;
    cachedReadsToBare: Ratio;
    /** Null when the generation phase was skipped or its job did not store. */
    generatedToCopy: Ratio | null;
  };
  /** Generated-and-stored records against a COPY of the same rows; null when the phase was skipped. */
  generation: GenerationResults | null;
  /** A full run of the edit checks over the generated dataset; null when generation was skipped or did not store. */
  quality: QualityResults | null;
  analytics: AnalyticsResults | null;
  context: { expressToBare: number; cachedReadsToExpress: number };
  /** Sanity checks behind the figures (e.g. that the reads really were served from the cache). */
  checks: Record<string, number | boolean>;
  platformOutput: { lines: number; first: string[] };
}

export function machineInfo(versions: { postgres: string; redis: string }): BenchResults['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    ...versions,
  };
}

/** The middle run (the lower middle for an even count): a real run, not an average of runs. */
export function medianBy<T>(runs: T[], value: (run: T) => number): T {
  if (runs.length === 0) throw new Error('no runs to take the median of');
  return [...runs].sort((a, b) => value(a) - value(b))[Math.floor((runs.length - 1) / 2)];
}

export function ratio(service: number, limit: number): Ratio {
  const value = service / limit;
  return { value, target: TARGET_RATIO, meetsTarget: value >= TARGET_RATIO };
}

export const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function ratioLine(label: string, r: Ratio): string {
  return `  ${label.padEnd(36)} ${fmt(r.value, 2).padStart(6)}  (target >= ${r.target})  ${r.meetsTarget ? 'PASS' : 'BELOW'}`;
}

export const row = (label: string, value: string, detail = ''): string => `  ${label.padEnd(36)} ${value.padStart(12)}  ${detail}`;

export function printResults(results: BenchResults): void {
  const { ingestion, copy, cachedReads, bareReads, expressReads, ratios, context, machine } = results;
  const runs = (figures: Array<{ recordsPerSecond: number }>) =>
    figures.length > 1 ? `; runs ${figures.map((f) => fmt(f.recordsPerSecond)).join(' / ')} rec/s, median shown` : '';
  console.log(
    [
      '',
      `Benchmark ${results.timestamp}: ${machine.cpus} CPUs, Node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}`,
      '',
      row('Ingestion, POST /edc/store-vitals', `${fmt(ingestion.recordsPerSecond)} rec/s`, `${fmt(ingestion.records)} records, ${ingestion.batches} batches, ${ingestion.clients} clients, ${fmt(ingestion.seconds, 2)} s${runs(results.ingestionRuns)}`),
      row('Ingestion limit, COPY', `${fmt(copy.recordsPerSecond)} rec/s`, `${fmt(copy.records)} records, ${fmt(copy.subjects)} subjects, ${fmt(copy.seconds, 2)} s${runs(results.copyRuns)}`),
      row('Cached reads, GET .../vitals', `${fmt(cachedReads.requestsPerSecond)} req/s`, readDetail(cachedReads)),
      row('Cached-read limit, bare Node + Redis', `${fmt(bareReads.requestsPerSecond)} req/s`, readDetail(bareReads)),
      row('For context: bare Express + Redis', `${fmt(expressReads.requestsPerSecond)} req/s`, readDetail(expressReads)),
      '',
      ratioLine('Ingestion / COPY', ratios.ingestionToCopy),
      ratioLine('Cached reads / bare server', ratios.cachedReadsToBare),
      `  ${'Context: bare Express / bare server'.padEnd(36)} ${fmt(context.expressToBare, 2).padStart(6)}  (the HTTP framework's own share of the limit)`,
      `  ${'Context: cached reads / bare Express'.padEnd(36)} ${fmt(context.cachedReadsToExpress, 2).padStart(6)}`,
      '',
    ].join('\n'),
  );
}

function readDetail(figures: ReadFigures): string {
  return `p99 ${figures.latencyMs.p99} ms, p50 ${figures.latencyMs.p50} ms, ${fmt(figures.requests)} requests, ${figures.connections} connections, ${figures.seconds} s`;
}

/** Colons are not allowed in Windows file names, so the timestamp's become dashes. */
export async function writeResults(folder: URL, results: BenchResults): Promise<URL> {
  await mkdir(folder, { recursive: true });
  const file = new URL(`bench-${results.timestamp.replace(/:/g, '-')}.json`, folder);
  await writeFile(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}
