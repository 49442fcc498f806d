import type { ComparisonsResponse, DescriptiveResponse } from '../../stats/dto/stats-responses.js';
import { primaryEndpoint, withConfidenceInterval } from './statistics-sections.js';

const meta = { scope: { study: 'S', sites: 'all' as const, dataset_id: null, site_limited: false, note: null }, records_used: 0, computed_at: '', cached: false };
const cell = (n: number, mean: number | null, sd: number | null) => ({ vital: 'systolic_bp' as const, arm: 'Active', visit: 'Week 12', n, mean, sd, median: mean, q1: mean, q3: mean, min: mean, max: mean });

describe('statistics sections of the report', () => {
  it("gives a mean's 95% confidence interval with t on n − 1 degrees of freedom", () => {
    // t(0.975, 3) = 3.182446305284263 (R: qt(0.975, 3)); SE = 2 / sqrt(4) = 1.
    const ci = withConfidenceInterval(cell(4, 10, 2));
    expect(ci.ci_lower).toBeCloseTo(10 - 3.182446305284263, 9);
    expect(ci.ci_upper).toBeCloseTo(10 + 3.182446305284263, 9);
  });

  it('gives no interval for one value or no standard deviation', () => {
    expect(withConfidenceInterval(cell(1, 10, null))).toMatchObject({ ci_lower: null, ci_upper: null, mean: 10 });
    expect(withConfidenceInterval(cell(0, null, null))).toMatchObject({ ci_lower: null, ci_upper: null });
  });

  it('says why the primary endpoint was not computed when no subject has both visits', () => {
    const descriptive: DescriptiveResponse = { baseline_visit: 'Day 1', arms: [], visits: [], values: [], change_from_baseline: [], meta };
    const comparisons: ComparisonsResponse = { baseline_visit: 'Day 1', reference_arm: 'Placebo', vitals: ['systolic_bp'], visits: ['Week 12'], comparisons: [], meta };
    expect(primaryEndpoint(descriptive, comparisons, 'Week 12')).toMatchObject({
      visit: 'Week 12',
      ancova: [],
      welch: [],
      not_computed: 'no subject has systolic BP at both Day 1 and Week 12',
    });
    expect(primaryEndpoint(descriptive, comparisons, null).not_computed).toBe('the study has no visit after its baseline visit');
  });
});
