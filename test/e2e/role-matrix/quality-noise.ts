import { type Endpoint, RULE_READERS } from './endpoint.js';

/** The noise simulator reads and stores nothing: every role may try it, at any sites. */
const NOISE_REQUEST = {
  records: [{ SubjectID: 'RA001-001', VisitName: 'Day 1', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 }],
  seed: 1,
  rates: { typo: 1 },
};

export const QUALITY_NOISE_ENDPOINTS: readonly Endpoint[] = [
  { route: 'POST /quality/simulate-noise', allowed: RULE_READERS, status: 200, call: (c) => c.post('/quality/simulate-noise').send(NOISE_REQUEST) },
];
