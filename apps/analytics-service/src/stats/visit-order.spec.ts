import type { StudyDesign } from '../scope/study-design.reader.js';
import { armComparator, distinctSorted, visitComparator, visitPlan } from './visit-order.js';

const visit = (name: string, order: number) => ({ name, order, plannedDay: null, windowBefore: 0, windowAfter: 0, required: true });
const design = (baselineVisit: string): StudyDesign => ({
  protocolId: 'RA001',
  title: null,
  status: 'active',
  baselineVisit,
  arms: [{ code: 'Placebo', ratio: 1 }, { code: 'Active', ratio: 2 }],
  visits: [visit('Screening', 1), visit('Day 1', 2), visit('Week 4', 3), visit('Week 12', 4)],
});

describe('visit order and the visits after baseline', () => {
  it('orders visits as the schedule does, visits outside it last by name', () => {
    expect(distinctSorted(['Week 12', 'Unscheduled B', 'Day 1', 'Unscheduled A', 'Screening', 'Week 4', 'Day 1'], visitComparator(design('Day 1')))).toEqual([
      'Screening',
      'Day 1',
      'Week 4',
      'Week 12',
      'Unscheduled A',
      'Unscheduled B',
    ]);
  });

  it('orders arms as the study lists them, arms only in the data last by name', () => {
    expect(distinctSorted(['Active', 'Zeta', 'Placebo', 'Beta'], armComparator(design('Day 1')))).toEqual(['Placebo', 'Active', 'Beta', 'Zeta']);
  });

  it('takes the visits of the schedule after the baseline visit as post-baseline', () => {
    expect(visitPlan(design('Day 1'))).toEqual({ baselineVisit: 'Day 1', postBaselineVisits: ['Week 4', 'Week 12'] });
    expect(visitPlan(design('Screening'))).toEqual({ baselineVisit: 'Screening', postBaselineVisits: ['Day 1', 'Week 4', 'Week 12'] });
    expect(visitPlan(design('Week 12')).postBaselineVisits).toEqual([]);
  });

  it('has no post-baseline visits when the baseline visit is not in the schedule', () => {
    expect(visitPlan(design('Baseline')).postBaselineVisits).toEqual([]);
  });
});
