import { InvalidSourceRecordError, sortedSourceRows, sourceRowsFromEdcVitals, sourceRowsFromRecords } from './source-rows.js';

describe('sourceRowsFromRecords', () => {
  const record = { SubjectID: ' RA001-001 ', VisitName: 'Week 4 ', TreatmentArm: 'Active', SystolicBP: 128, DiastolicBP: 82, HeartRate: 71, Temperature: 36.7 };

  it('reads records in the field names of store-vitals, trimming names as capture does', () => {
    expect(sourceRowsFromRecords([record])).toEqual([
      { subject: 'RA001-001', arm: 'Active', visit: 'Week 4', systolic: 128, diastolic: 82, heartRate: 71, temperature: 36.7 },
    ]);
  });

  it('refuses a record with a value that is not a number, naming the record and field', () => {
    const bad = { ...record, HeartRate: '71' as unknown as number };
    expect(() => sourceRowsFromRecords([record, bad])).toThrow(InvalidSourceRecordError);
    expect(() => sourceRowsFromRecords([record, bad])).toThrow('source record 1: HeartRate must be a number (got "71")');
  });

  it('refuses a record without a subject, visit or arm', () => {
    expect(() => sourceRowsFromRecords([{ ...record, TreatmentArm: ' ' }])).toThrow('source record 0: TreatmentArm must be a non-empty string');
  });
});

describe('sourceRowsFromEdcVitals', () => {
  it('reads the numeric temperature pg returns as a string', () => {
    const rows = sourceRowsFromEdcVitals([
      { subject_number: 'S-1', treatment_arm: 'Placebo', visit_name: 'Day 1', systolic_bp: 130, diastolic_bp: 80, heart_rate: 70, temperature: '36.8' },
    ]);
    expect(rows).toEqual([{ subject: 'S-1', arm: 'Placebo', visit: 'Day 1', systolic: 130, diastolic: 80, heartRate: 70, temperature: 36.8 }]);
  });

  it('leaves out subjects without an arm', () => {
    const rows = sourceRowsFromEdcVitals([
      { subject_number: 'S-1', treatment_arm: null, visit_name: 'Screening', systolic_bp: 130, diastolic_bp: 80, heart_rate: 70, temperature: '36.8' },
    ]);
    expect(rows).toEqual([]);
  });
});

describe('sortedSourceRows', () => {
  it('orders rows by subject, visit, arm then values, by code unit, without changing its input', () => {
    const row = (subject: string, visit: string, systolic: number) => ({ subject, arm: 'A', visit, systolic, diastolic: 80, heartRate: 70, temperature: 36.8 });
    const input = [row('b', 'Week 4', 120), row('a', 'Week 4', 120), row('a', 'Day 1', 125), row('a', 'Day 1', 121), row('B', 'Day 1', 120)];
    const sorted = sortedSourceRows(input);
    expect(sorted.map((r) => `${r.subject}/${r.visit}/${r.systolic}`)).toEqual(['B/Day 1/120', 'a/Day 1/121', 'a/Day 1/125', 'a/Week 4/120', 'b/Week 4/120']);
    expect(input[0].subject).toBe('b');
  });
});
