import type { SourceRow } from './dataset.js';
import { ksTest } from './ks.js';
import { correlationMatrix, covarianceMatrix } from './matrix.js';
import { sortedSourceRows, VITAL_VARIABLES, vitalVector, type VitalVariable } from './source-rows.js';

/** The compared variables under the names an API answer uses, in the order of VITAL_VARIABLES. */
export const COMPARED_VARIABLES = ['systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature'] as const;
export type ComparedVariable = (typeof COMPARED_VARIABLES)[number];

/** null where a figure cannot be computed (no records; an SD below two records). */
export interface SampleSummary {
  n: number;
  mean: number | null;
  sd: number | null;
}

export interface VariableComparison {
  source: SampleSummary;
  generated: SampleSummary;
  /** generated − source. */
  mean_difference: number | null;
  /** generated SD / source SD. */
  sd_ratio: number | null;
  /** Two-sample Kolmogorov–Smirnov distance between the two samples' distributions. */
  ks_d: number | null;
  /** Its asymptotic p-value (conservative with ties, as in integer blood pressures). */
  ks_p_value: number | null;
}

export type VariableComparisons = Record<ComparedVariable, VariableComparison>;

export interface CorrelationComparison {
  variables: ComparedVariable[];
  /** Pearson correlations; null where a variable does not vary or there are fewer than two records. */
  source: Array<Array<number | null>>;
  generated: Array<Array<number | null>>;
  absolute_difference: Array<Array<number | null>>;
  max_absolute_difference: number | null;
}

/** How close a generated dataset is to its source: plain JSON with snake_case keys, for an API answer. */
export interface DatasetComparison {
  source_records: number;
  generated_records: number;
  overall: VariableComparisons;
  /** Visits in order of first appearance (source first, then generated). */
  by_visit: Array<{ visit: string; variables: VariableComparisons }>;
  /** Arms, then visits, in order of first appearance. */
  by_arm_visit: Array<{ arm: string; visit: string; variables: VariableComparisons }>;
  correlation: CorrelationComparison;
}

/**
 * Per variable, overall, per visit and per arm and visit: n, mean and SD of both datasets, their
 * differences and the KS distance; and the correlation matrices of the four variables. Figures are
 * rounded to 4 decimals (p-values to 4 significant digits, so that small ones stay distinguishable).
 */
export function compareDatasets(source: SourceRow[], generated: SourceRow[]): DatasetComparison {
  // Sorted so that the sums, hence the figures, do not depend on the rows' order.
  const sortedSource = sortedSourceRows(source);
  const sortedGenerated = sortedSourceRows(generated);
  const visits = firstAppearances([source, generated], (row) => row.visit);
  const arms = firstAppearances([source, generated], (row) => row.arm);
  const sourceByVisit = groupBy(sortedSource, (row) => row.visit);
  const generatedByVisit = groupBy(sortedGenerated, (row) => row.visit);
  const sourceByArmVisit = groupBy(sortedSource, (row) => blockKey(row.arm, row.visit));
  const generatedByArmVisit = groupBy(sortedGenerated, (row) => blockKey(row.arm, row.visit));
  return {
    source_records: source.length,
    generated_records: generated.length,
    overall: compareVariables(sortedSource, sortedGenerated),
    by_visit: visits.map((visit) => ({
      visit,
      variables: compareVariables(sourceByVisit.get(visit) ?? [], generatedByVisit.get(visit) ?? []),
    })),
    by_arm_visit: arms.flatMap((arm) =>
      visits
        .filter((visit) => sourceByArmVisit.has(blockKey(arm, visit)) || generatedByArmVisit.has(blockKey(arm, visit)))
        .map((visit) => ({
          arm,
          visit,
          variables: compareVariables(sourceByArmVisit.get(blockKey(arm, visit)) ?? [], generatedByArmVisit.get(blockKey(arm, visit)) ?? []),
        })),
    ),
    correlation: compareCorrelations(sortedSource, sortedGenerated),
  };
}

function compareVariables(source: SourceRow[], generated: SourceRow[]): VariableComparisons {
  const entries = COMPARED_VARIABLES.map((name, i) => {
    const a = column(source, VITAL_VARIABLES[i]);
    const b = column(generated, VITAL_VARIABLES[i]);
    const sourceSummary = summarise(a);
    const generatedSummary = summarise(b);
    const ks = a.length > 0 && b.length > 0 ? ksTest(a, b) : null;
    const comparison: VariableComparison = {
      source: rounded(sourceSummary),
      generated: rounded(generatedSummary),
      mean_difference: sourceSummary.mean !== null && generatedSummary.mean !== null ? round(generatedSummary.mean - sourceSummary.mean) : null,
      sd_ratio: sourceSummary.sd !== null && generatedSummary.sd !== null && sourceSummary.sd > 0 ? round(generatedSummary.sd / sourceSummary.sd) : null,
      ks_d: ks ? round(ks.d) : null,
      ks_p_value: ks ? roundSignificant(ks.pValue) : null,
    };
    return [name, comparison] as const;
  });
  return Object.fromEntries(entries) as VariableComparisons;
}

function compareCorrelations(source: SourceRow[], generated: SourceRow[]): CorrelationComparison {
  const sourceCorrelation = correlationsOf(source);
  const generatedCorrelation = correlationsOf(generated);
  const difference = sourceCorrelation.map((row, i) => row.map((value, j) => Math.abs(generatedCorrelation[i][j] - value)));
  const known = difference.flat().filter(Number.isFinite);
  return {
    variables: [...COMPARED_VARIABLES],
    source: sourceCorrelation.map((row) => row.map(roundOrNull)),
    generated: generatedCorrelation.map((row) => row.map(roundOrNull)),
    absolute_difference: difference.map((row) => row.map(roundOrNull)),
    max_absolute_difference: known.length > 0 ? round(Math.max(...known)) : null,
  };
}

/**
 * NaN where undefined: fewer than two rows, or a variable that does not vary. The latter is found
 * by its values, not its variance, which rounding leaves a hair above zero (a mean of 36.8s need
 * not be exactly 36.8), and which would give a correlation of pure noise.
 */
function correlationsOf(rows: SourceRow[]): number[][] {
  const vectors = rows.map(vitalVector);
  const constant = VITAL_VARIABLES.map((_, i) => vectors.every((vector) => vector[i] === vectors[0][i]));
  return correlationMatrix(covarianceMatrix(vectors, VITAL_VARIABLES.length)).map((row, i) =>
    row.map((value, j) => (constant[i] || constant[j] ? Number.NaN : value)),
  );
}

/** One variable's values, in a typed array: a million rows compare without a million small arrays. */
function column(rows: SourceRow[], variable: VitalVariable): Float64Array {
  // A plain loop: Float64Array.from with a mapping function is several times slower.
  const values = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) values[i] = rows[i][variable];
  return values;
}

function summarise(values: Float64Array): SampleSummary {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  // Equal values have SD 0 exactly, not the rounding residue of their mean.
  const constant = values.every((value) => value === values[0]);
  const sd = n < 2 ? null : constant ? 0 : Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd };
}

function rounded(summary: SampleSummary): SampleSummary {
  return { n: summary.n, mean: summary.mean === null ? null : round(summary.mean), sd: summary.sd === null ? null : round(summary.sd) };
}

/** The distinct keys of the rows, in order of first appearance, the first list before the second. */
function firstAppearances(lists: SourceRow[][], key: (row: SourceRow) => string): string[] {
  const seen = new Set<string>();
  for (const rows of lists) for (const row of rows) seen.add(key(row));
  return [...seen];
}

function groupBy(rows: SourceRow[], key: (row: SourceRow) => string): Map<string, SourceRow[]> {
  const groups = new Map<string, SourceRow[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

function blockKey(arm: string, visit: string): string {
  return `${arm}\u0000${visit}`;
}

/** To 4 decimals, without a negative zero (JSON would print it as 0 anyway, but tests compare it). */
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4 + 0;
}

function roundOrNull(value: number): number | null {
  return Number.isFinite(value) ? round(value) : null;
}

function roundSignificant(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}
