import { type Endpoint, STAT_READERS } from './endpoint.js';

/**
 * Reading statistics stores nothing: those who read statistics may, over the default study (which
 * has the calling role's vitals). The Week 12 test over records sent reads nothing stored.
 */
const WEEK12_RECORDS = [
  { SubjectID: 'RA001-001', VisitName: 'Week 12', TreatmentArm: 'Active', SystolicBP: 128 },
  { SubjectID: 'RA001-002', VisitName: 'Week 12', TreatmentArm: 'Active', SystolicBP: 121 },
  { SubjectID: 'RA001-003', VisitName: 'Week 12', TreatmentArm: 'Placebo', SystolicBP: 139 },
  { SubjectID: 'RA001-004', VisitName: 'Week 12', TreatmentArm: 'Placebo', SystolicBP: 133 },
];

export const ANALYTICS_STATS_ENDPOINTS: readonly Endpoint[] = [
  { route: 'GET /analytics/stats/descriptive', allowed: STAT_READERS, status: 200, call: (c) => c.get('/analytics/stats/descriptive') },
  { route: 'GET /analytics/stats/comparisons', allowed: STAT_READERS, status: 200, call: (c) => c.get('/analytics/stats/comparisons?vital=systolic_bp') },
  { route: 'POST /analytics/stats/week12', allowed: STAT_READERS, status: 200, call: (c) => c.post('/analytics/stats/week12').send({ records: WEEK12_RECORDS }) },
];
