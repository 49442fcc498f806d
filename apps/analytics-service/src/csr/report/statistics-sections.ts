import type { ComparisonsResponse, DescriptiveCell, DescriptiveResponse } from '../../stats/dto/stats-responses.js';
import { tCritical } from '../../statistics/index.js';
import type { Comparison, Efficacy, VisitArmStatistics, VitalSignTables } from './csr-report.js';

const LABELS: Record<string, { label: string; unit: string }> = {
  systolic_bp: { label: 'Systolic blood pressure', unit: 'mmHg' },
  diastolic_bp: { label: 'Diastolic blood pressure', unit: 'mmHg' },
  heart_rate: { label: 'Heart rate', unit: 'beats/min' },
  temperature: { label: 'Body temperature', unit: '°C' },
};

/** A descriptive cell with the 95% confidence interval of its mean (t with n − 1 df). */
export function withConfidenceInterval(cell: DescriptiveCell): VisitArmStatistics {
  const { visit, arm, n, mean, sd, median, q1, q3, min, max } = cell;
  const margin = mean !== null && sd !== null && n >= 2 ? tCritical(0.95, n - 1) * (sd / Math.sqrt(n)) : null;
  return {
    visit,
    arm,
    n,
    mean,
    sd,
    median,
    q1,
    q3,
    min,
    max,
    ci_lower: margin === null || mean === null ? null : mean - margin,
    ci_upper: margin === null || mean === null ? null : mean + margin,
  };
}

/** The statistics service's descriptive tables, one per vital sign, values and change from baseline. */
export function vitalSignTables(descriptive: DescriptiveResponse): VitalSignTables[] {
  const vitals = [...new Set([...descriptive.values, ...descriptive.change_from_baseline].map((cell) => cell.vital))];
  return vitals.map((vital) => ({
    parameter: vital,
    label: LABELS[vital]?.label ?? vital,
    unit: LABELS[vital]?.unit ?? '',
    values: descriptive.values.filter((cell) => cell.vital === vital).map(withConfidenceInterval),
    change_from_baseline: descriptive.change_from_baseline.filter((cell) => cell.vital === vital).map(withConfidenceInterval),
  }));
}

/**
 * The primary endpoint: change from baseline in systolic BP at the last scheduled visit, with the
 * statistics service's ANCOVA (arm and baseline) and Welch test of the changes, as it computed them.
 */
export function primaryEndpoint(descriptive: DescriptiveResponse, comparisons: ComparisonsResponse, lastVisit: string | null): Efficacy['primary_endpoint'] {
  const base = {
    description: `Change from baseline (${comparisons.baseline_visit}) in systolic blood pressure at the last scheduled visit${lastVisit ? ` (${lastVisit})` : ''}`,
    parameter: 'systolic_bp' as const,
    visit: lastVisit,
    baseline_visit: comparisons.baseline_visit,
    reference_arm: comparisons.reference_arm,
  };
  const at = comparisons.comparisons.find((comparison) => comparison.vital === 'systolic_bp' && comparison.visit === lastVisit);
  const byArm = descriptive.change_from_baseline.filter((cell) => cell.vital === 'systolic_bp' && cell.visit === lastVisit).map(withConfidenceInterval);
  if (!at) {
    const why = lastVisit === null ? 'the study has no visit after its baseline visit' : `no subject has systolic BP at both ${comparisons.baseline_visit} and ${lastVisit}`;
    return { ...base, by_arm: byArm, adjusted_means: [], ancova: [], welch: [], ancova_f: null, not_computed: why };
  }
  const ancova: Comparison[] = at.ancova.comparisons.map((c) => ({
    method: 'ANCOVA',
    arm: c.group,
    reference_arm: c.reference,
    difference: c.difference,
    se: c.se,
    ci_lower: c.ci_lower,
    ci_upper: c.ci_upper,
    p_value: c.p_value,
    not_computed: at.ancova.not_computed,
  }));
  const welch: Comparison[] = at.change_from_baseline.comparisons.map((c) => ({
    method: 'Welch',
    arm: c.arm,
    reference_arm: c.reference,
    difference: c.difference,
    se: c.se,
    ci_lower: c.ci_lower,
    ci_upper: c.ci_upper,
    p_value: c.p_value,
    not_computed: c.not_computed,
  }));
  return {
    ...base,
    by_arm: byArm,
    adjusted_means: at.ancova.adjusted_means.map((m) => ({ arm: m.group, mean: m.adjusted_mean, se: m.se })),
    ancova,
    welch,
    ancova_f: { f: at.ancova.group_effect.f, p_value: at.ancova.group_effect.p_value },
    not_computed: at.ancova.not_computed,
  };
}
