import { repairRecords } from './repair.js';

const record = (overrides: Record<string, unknown> = {}) => ({ SubjectID: 'S-1', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8, ...overrides });

describe('repairRecords (synthetic data only)', () => {
  it('leaves plausible records alone', () => {
    expect(repairRecords([record({ RespiratoryRate: 16 })])).toEqual({ records: [record({ RespiratoryRate: 16 })], changes: [] });
  });

  it('clips every value into its plausible range and lists each change with the value sent', () => {
    const { records, changes } = repairRecords([record(), record({ SystolicBP: 250, DiastolicBP: 20, HeartRate: 180, Temperature: 42.37, RespiratoryRate: 2 })]);
    expect(records[1]).toMatchObject({ SystolicBP: 200, DiastolicBP: 55, HeartRate: 120, Temperature: 40, RespiratoryRate: 8 });
    expect(changes).toEqual([
      { index: 1, field: 'SystolicBP', old: 250, new: 200 },
      { index: 1, field: 'DiastolicBP', old: 20, new: 55 },
      { index: 1, field: 'HeartRate', old: 180, new: 120 },
      { index: 1, field: 'Temperature', old: 42.37, new: 40 },
      { index: 1, field: 'RespiratoryRate', old: 2, new: 8 },
    ]);
  });

  it('keeps the diastolic at least 5 below the systolic (VS005), as one change from the value sent', () => {
    const { records, changes } = repairRecords([record({ SystolicBP: 90, DiastolicBP: 120 })]);
    expect(records[0]).toMatchObject({ SystolicBP: 95, DiastolicBP: 90 });
    expect(changes).toEqual([
      { index: 0, field: 'SystolicBP', old: 90, new: 95 },
      { index: 0, field: 'DiastolicBP', old: 120, new: 90 },
    ]);
  });

  it('rounds to the rule\'s decimals and leaves values that are not numbers as they are', () => {
    const { records, changes } = repairRecords([record({ Temperature: 36.84, HeartRate: '72', SystolicBP: undefined })]);
    expect(records[0]).toMatchObject({ Temperature: 36.8, HeartRate: '72' });
    expect(changes).toEqual([{ index: 0, field: 'Temperature', old: 36.84, new: 36.8 }]);
  });
});
