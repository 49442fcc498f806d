import { assertConfidence, fUpperTail, tCritical, twoSidedTPValue } from './distributions.js';

/**
 * One group's sufficient statistics for a one-covariate ANCOVA, as PostgreSQL's aggregates give them:
 * count, avg(x), avg(y), regr_sxx, regr_sxy, regr_syy (sums of squares and products centred on the group's means).
 */
export interface AncovaGroupStats {
  group: string;
  n: number;
  meanX: number | null;
  meanY: number | null;
  sxx: number | null;
  sxy: number | null;
  syy: number | null;
}

export interface AncovaAdjustedMean {
  group: string;
  n: number;
  mean_x: number | null;
  mean_y: number | null;
  /** The group's mean of y at the overall mean of the covariate: mean_y − slope·(mean_x − covariate_mean). */
  adjusted_mean: number | null;
  se: number | null;
}

/** One group against the reference group, adjusted for the covariate. */
export interface AncovaComparison {
  group: string;
  reference: string;
  /** adjusted mean of `group` − adjusted mean of `reference`. */
  difference: number | null;
  se: number | null;
  ci_lower: number | null;
  ci_upper: number | null;
  t: number | null;
  df: number | null;
  /** Two-sided. */
  p_value: number | null;
}

/** The overall F test of the group effect adjusted for the covariate. */
export interface AncovaGroupEffect {
  f: number | null;
  df1: number | null;
  df2: number | null;
  p_value: number | null;
}

export interface AncovaResult {
  reference: string;
  /** Total number of observations. */
  n: number;
  /** Number of groups. */
  groups: number;
  /** Overall mean of the covariate, where the adjusted means are taken. */
  covariate_mean: number | null;
  /** The common within-group slope of y on the covariate. */
  slope: number | null;
  slope_se: number | null;
  slope_t: number | null;
  slope_p_value: number | null;
  /** Residual sum of squares of the full model (groups + covariate). */
  sse: number | null;
  /** Residual degrees of freedom: n − groups − 1. */
  df_residual: number | null;
  /** Residual mean square, sse / df_residual. */
  mse: number | null;
  adjusted_means: AncovaAdjustedMean[];
  /** One entry per non-reference group, in input order. */
  comparisons: AncovaComparison[];
  group_effect: AncovaGroupEffect;
  confidence: number;
  /** Why some or all numbers are null, in words; null when everything was computed. */
  not_computed: string | null;
}

interface CheckedGroup {
  group: string;
  n: number;
  meanX: number;
  meanY: number;
  sxx: number;
  sxy: number;
  syy: number;
}

/** A residual sum of squares this small, relative to the within-group total, is rounding noise of a perfect fit. */
const PERFECT_FIT_RELATIVE = 1e-12;

/**
 * One-factor ANCOVA with one covariate (parallel slopes), from per-group sufficient statistics.
 * Data-driven degeneracy (too few rows, no covariate spread, an empty or missing group) never throws:
 * the affected numbers are null and `not_computed` says why.
 */
export function ancova(input: readonly AncovaGroupStats[], reference: string, confidence = 0.95): AncovaResult {
  assertConfidence(confidence);
  const n = input.reduce((total, g) => total + (Number.isFinite(g.n) && g.n > 0 ? g.n : 0), 0);
  const base = emptyResult(input, reference, n, confidence);
  const checked = checkGroups(input, reference);
  if (typeof checked === 'string') return { ...base, not_computed: checked };
  const result = fit(base, checked.groups, checked.reference, confidence);
  return allFinite(result) ? result : { ...base, not_computed: 'the input numbers are too extreme to compute with (a result was not finite)' };
}

function fit(base: AncovaResult, checked: CheckedGroup[], ref: CheckedGroup, confidence: number): AncovaResult {
  const { n, reference } = base;
  const k = checked.length;
  const exx = sum(checked, (g) => g.sxx);
  const exy = sum(checked, (g) => g.sxy);
  const eyy = sum(checked, (g) => g.syy);
  if (!(exx > 0)) {
    return { ...base, not_computed: 'the covariate does not vary within the groups (its within-group sum of squares is 0), so no slope can be estimated' };
  }
  const slope = exy / exx;
  const covariateMean = sum(checked, (g) => g.n * g.meanX) / n;
  const responseMean = sum(checked, (g) => g.n * g.meanY) / n;
  const adjusted = (g: CheckedGroup) => g.meanY - slope * (g.meanX - covariateMean);
  const estimates: AncovaResult = {
    ...base,
    covariate_mean: covariateMean,
    slope,
    adjusted_means: checked.map((g) => ({ group: g.group, n: g.n, mean_x: g.meanX, mean_y: g.meanY, adjusted_mean: adjusted(g), se: null })),
    comparisons: checked
      .filter((g) => g.group !== reference)
      .map((g) => ({ ...nullComparison(g.group, reference), difference: adjusted(g) - adjusted(ref) })),
  };

  const dfResidual = n - k - 1;
  if (dfResidual < 1) {
    return { ...estimates, not_computed: `${n} observations in ${k} groups leave no residual degrees of freedom (n − groups − 1 = ${dfResidual}); standard errors and tests need at least 1` };
  }
  const sse = Math.max(0, eyy - (exy * exy) / exx);
  if (!(sse > PERFECT_FIT_RELATIVE * eyy)) {
    return { ...estimates, sse: 0, df_residual: dfResidual, mse: 0, not_computed: 'the model fits the data exactly (residual variance 0), so standard errors and tests are undefined' };
  }
  const mse = sse / dfResidual;
  const critical = tCritical(confidence, dfResidual);
  const slopeSe = Math.sqrt(mse / exx);
  const slopeT = slope / slopeSe;

  const adjustedMeans = checked.map((g) => ({
    group: g.group,
    n: g.n,
    mean_x: g.meanX,
    mean_y: g.meanY,
    adjusted_mean: adjusted(g),
    se: Math.sqrt(mse * (1 / g.n + (g.meanX - covariateMean) ** 2 / exx)),
  }));
  const comparisons = checked
    .filter((g) => g.group !== reference)
    .map((g): AncovaComparison => {
      const difference = adjusted(g) - adjusted(ref);
      const se = Math.sqrt(mse * (1 / g.n + 1 / ref.n + (g.meanX - ref.meanX) ** 2 / exx));
      const t = difference / se;
      return {
        group: g.group,
        reference,
        difference,
        se,
        ci_lower: difference - critical * se,
        ci_upper: difference + critical * se,
        t,
        df: dfResidual,
        p_value: twoSidedTPValue(t, dfResidual),
      };
    });

  return {
    ...estimates,
    slope_se: slopeSe,
    slope_t: slopeT,
    slope_p_value: twoSidedTPValue(slopeT, dfResidual),
    sse,
    df_residual: dfResidual,
    mse,
    adjusted_means: adjustedMeans,
    comparisons,
    group_effect: groupEffect(checked, covariateMean, responseMean, sse, mse, dfResidual),
  };
}

/**
 * F for the groups adjusted for the covariate: the drop in residual sum of squares from the model
 * with one common line (totals over all groups) to the full model with one line per group.
 * Totals come from the group statistics: T = Σ within + Σ n·(group mean − overall mean) products.
 */
function groupEffect(groups: CheckedGroup[], meanX: number, meanY: number, sse: number, mse: number, dfResidual: number): AncovaGroupEffect {
  const txx = sum(groups, (g) => g.sxx + g.n * (g.meanX - meanX) ** 2);
  const txy = sum(groups, (g) => g.sxy + g.n * (g.meanX - meanX) * (g.meanY - meanY));
  const tyy = sum(groups, (g) => g.syy + g.n * (g.meanY - meanY) ** 2);
  const sseReduced = tyy - (txy * txy) / txx;
  const df1 = groups.length - 1;
  const f = Math.max(0, sseReduced - sse) / df1 / mse;
  return { f, df1, df2: dfResidual, p_value: fUpperTail(f, df1, dfResidual) };
}

function checkGroups(input: readonly AncovaGroupStats[], reference: string): { groups: CheckedGroup[]; reference: CheckedGroup } | string {
  if (input.length < 2) return `ANCOVA needs at least 2 groups with data, got ${input.length}`;
  const names = new Set<string>();
  const checked: CheckedGroup[] = [];
  for (const g of input) {
    if (names.has(g.group)) return `group ${g.group} appears twice in the input`;
    names.add(g.group);
    if (!(Number.isFinite(g.n) && g.n >= 1)) return `group ${g.group} has no observations`;
    const { meanX, meanY, sxx, sxy, syy } = g;
    if (meanX === null || meanY === null || sxx === null || sxy === null || syy === null || ![meanX, meanY, sxx, sxy, syy].every(Number.isFinite)) {
      return `group ${g.group} has missing or non-finite statistics`;
    }
    checked.push({ group: g.group, n: g.n, meanX, meanY, sxx, sxy, syy });
  }
  const referenceGroup = checked.find((g) => g.group === reference);
  if (referenceGroup === undefined) return `the reference group ${reference} has no data`;
  return { groups: checked, reference: referenceGroup };
}

function emptyResult(input: readonly AncovaGroupStats[], reference: string, n: number, confidence: number): AncovaResult {
  const finiteOrNull = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);
  return {
    reference,
    n,
    groups: input.length,
    covariate_mean: null,
    slope: null,
    slope_se: null,
    slope_t: null,
    slope_p_value: null,
    sse: null,
    df_residual: null,
    mse: null,
    adjusted_means: input.map((g) => ({ group: g.group, n: g.n, mean_x: finiteOrNull(g.meanX), mean_y: finiteOrNull(g.meanY), adjusted_mean: null, se: null })),
    comparisons: input.filter((g) => g.group !== reference).map((g) => nullComparison(g.group, reference)),
    group_effect: { f: null, df1: null, df2: null, p_value: null },
    confidence,
    not_computed: null,
  };
}

function nullComparison(group: string, reference: string): AncovaComparison {
  return { group, reference, difference: null, se: null, ci_lower: null, ci_upper: null, t: null, df: null, p_value: null };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** True when no number anywhere in the value is NaN or ±Infinity. */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}
