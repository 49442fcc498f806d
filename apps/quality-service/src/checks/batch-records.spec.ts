import { typeCheckBatch } from './batch-records.js';

/** A checked batch's records are type-checked one by one: a wrong one is that record's problem. */
describe('typeCheckBatch', () => {
  const protocolOf = (own: string | null) => own ?? 'FALLBACK';
  const good = { SubjectID: 'S01-001', VisitName: 'Baseline', TreatmentArm: 'Active', SystolicBP: 120, DiastolicBP: 80, HeartRate: 70, Temperature: 36.8 };

  it('maps a record to the relation columns, the study from its ProtocolID or the fallback, absent values as null', () => {
    const { rows, invalid } = typeCheckBatch([good, { ...good, ProtocolID: 'RA001', SiteID: 'S01', VisitDate: '2026-02-28', MeasurementTime: '2026-02-28T09:30:00+01:00', RespiratoryRate: null }], protocolOf);
    expect(invalid).toEqual([]);
    expect(rows[0]).toEqual({
      row_index: 0, protocol_id: 'FALLBACK', subject_id: 'S01-001', site_id: null, arm: 'Active', visit_name: 'Baseline', visit_date: null,
      measurement_time: null, systolic_bp: 120, diastolic_bp: 80, heart_rate: 70, temperature: 36.8, respiratory_rate: null,
    });
    expect(rows[1]).toMatchObject({ row_index: 1, protocol_id: 'RA001', site_id: 'S01', visit_date: '2026-02-28', measurement_time: '2026-02-28T09:30:00+01:00' });
  });

  it.each([
    ['a string for a number', { SystolicBP: '120' }, 'SystolicBP'],
    ['an infinite-looking number', { HeartRate: 1e300 }, 'HeartRate'],
    ['a boolean for a text', { TreatmentArm: true }, 'TreatmentArm'],
    ['a blank subject', { SubjectID: '   ' }, 'SubjectID'],
    ['a subject of 65 characters', { SubjectID: 'x'.repeat(65) }, 'SubjectID'],
    ['no visit', { VisitName: undefined }, 'VisitName'],
    ['a site that is not a code', { SiteID: 'S 01' }, 'SiteID'],
    ['a protocol that is not a code', { ProtocolID: "'; --" }, 'ProtocolID'],
    ['an impossible date', { VisitDate: '2026-02-29' }, 'VisitDate'],
    ['a date in another format', { VisitDate: '01/02/2026' }, 'VisitDate'],
    ['a time without a zone', { MeasurementTime: '2026-02-28T09:30:00' }, 'MeasurementTime'],
    ['a NUL character', { VisitName: 'Base\u0000line' }, 'VisitName'],
    ['an unknown field', { Weight: 80 }, 'Weight'],
    ['a prototype key', JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>, '__proto__'],
  ])('lists %s as a problem of that record only', (_case, change, field) => {
    const { rows, invalid } = typeCheckBatch([good, { ...good, ...change }], protocolOf);
    expect(rows.map((row) => row.row_index)).toEqual([0]);
    expect(invalid).toEqual([{ index: 1, problems: [{ field: `records[1].${field}`, problems: [expect.any(String)] }] }]);
  });

  it.each([['a string', 'x'], ['null', null], ['a list', [good]], ['a number', 5]])('lists a record that is %s as not an object', (_case, record) => {
    expect(typeCheckBatch([record], protocolOf).invalid).toEqual([{ index: 0, problems: [{ field: 'records[0]', problems: ['must be an object in store-vitals field names'] }] }]);
  });

  it('names every problem of a record, by field', () => {
    const { invalid } = typeCheckBatch([{ SystolicBP: 'x', Extra: 1 }], protocolOf);
    expect(invalid[0].problems.map((problem) => problem.field).sort()).toEqual(['records[0].Extra', 'records[0].SubjectID', 'records[0].SystolicBP', 'records[0].VisitName']);
  });
});
