import { MAX_FHIR_RECORDS_PER_BUNDLE, subjectsWithinBundleLimit } from './exports.service.js';

const subjects = (n: number) => Array.from({ length: n }, (_, index) => ({ patient_id: `p${index}` }));

describe('the subjects of one FHIR Bundle', () => {
  it('keeps every subject asked for while their records fit', () => {
    const page = subjects(100);
    expect(subjectsWithinBundleLimit(page, new Map(page.map((s) => [s.patient_id, 40])))).toHaveLength(100);
  });

  it('stops at the subject whose records would pass the limit, never splitting a subject', () => {
    const page = subjects(1_000);
    const kept = subjectsWithinBundleLimit(page, new Map(page.map((s) => [s.patient_id, 40])));
    expect(kept).toHaveLength(MAX_FHIR_RECORDS_PER_BUNDLE / 40);
    expect(kept.at(-1)).toEqual({ patient_id: `p${MAX_FHIR_RECORDS_PER_BUNDLE / 40 - 1}` });
  });

  it('always keeps the first subject, however many records it has, so paging moves on', () => {
    const page = subjects(3);
    expect(subjectsWithinBundleLimit(page, new Map([['p0', MAX_FHIR_RECORDS_PER_BUNDLE * 2]]))).toEqual([{ patient_id: 'p0' }]);
  });

  it('counts subjects without dated records as none', () => {
    expect(subjectsWithinBundleLimit(subjects(5), new Map())).toHaveLength(5);
  });
});
