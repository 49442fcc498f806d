import { type Endpoint, GENERATORS } from './endpoint.js';

const SMALL = { n_per_arm: 1, seed: 1 };
const RECORDS = [
  { SubjectID: 'MX-001', VisitName: 'Day 1', TreatmentArm: 'Active', SystolicBP: 128, DiastolicBP: 80, HeartRate: 70, Temperature: 36.7 },
  { SubjectID: 'MX-002', VisitName: 'Day 1', TreatmentArm: 'Placebo', SystolicBP: 131, DiastolicBP: 84, HeartRate: 74, Temperature: 36.9 },
];

/** Previews and comparisons write nothing: the matrix checks who may ask. */
export const GENERATION_GENERATE_ENDPOINTS: readonly Endpoint[] = [
  { route: 'POST /generation/generate/rules', allowed: GENERATORS, status: 200, call: (c) => c.post('/generation/generate/rules').send(SMALL) },
  { route: 'POST /generation/generate/mvn', allowed: GENERATORS, status: 200, call: (c) => c.post('/generation/generate/mvn').send({ ...SMALL, source: { records: RECORDS } }) },
  {
    route: 'POST /generation/generate/bootstrap',
    allowed: GENERATORS,
    status: 200,
    call: (c) => c.post('/generation/generate/bootstrap').send({ ...SMALL, source: { records: RECORDS } }),
  },
  { route: 'POST /generation/generate/ae', allowed: GENERATORS, status: 200, call: (c) => c.post('/generation/generate/ae').send(SMALL) },
  {
    route: 'POST /generation/generate/compare',
    allowed: GENERATORS,
    status: 200,
    call: (c) => c.post('/generation/generate/compare').send({ source: { records: RECORDS }, generated: { records: RECORDS } }),
  },
];
