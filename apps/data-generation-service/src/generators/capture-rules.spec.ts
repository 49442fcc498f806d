import { EDIT_CHECK_RANGES, isStorable, toCapturedValues } from './capture-rules.js';
import type { GeneratedVital } from './dataset.js';

const record: GeneratedVital = {
  SubjectID: 'RA001-001',
  VisitName: 'Day 1',
  TreatmentArm: 'Active',
  SystolicBP: 128,
  DiastolicBP: 79,
  HeartRate: 72,
  Temperature: 36.8,
  RespiratoryRate: 16,
  SiteID: 'S01',
  ProtocolID: 'RA001',
  VisitDate: '2025-01-06',
  MeasurementTime: '2025-01-06T09:00:00Z',
};

describe('what capture stores (mirrored from store-vitals)', () => {
  it('stores a record inside every range, in its subject arm', () => {
    expect(isStorable(record, 'Active')).toBe(true);
    expect(isStorable({ ...record, SystolicBP: 300, DiastolicBP: 20, HeartRate: 250, Temperature: 45, RespiratoryRate: 4 }, 'Active')).toBe(true);
  });

  it.each([
    ['systolic below 50', { SystolicBP: 49, DiastolicBP: 30 }],
    ['systolic above 300', { SystolicBP: 301 }],
    ['a fractional systolic', { SystolicBP: 128.5 }],
    ['diastolic below 20', { DiastolicBP: 19 }],
    ['diastolic not below systolic', { DiastolicBP: 128 }],
    ['heart rate above 250', { HeartRate: 251 }],
    ['heart rate below 20', { HeartRate: 4 }],
    ['temperature in Fahrenheit', { Temperature: 98.2 }],
    ['temperature with two decimals', { Temperature: 36.85 }],
    ['respiratory rate above 60', { RespiratoryRate: 61 }],
    ['another arm than the subject', { TreatmentArm: 'Placebo' }],
  ])('refuses %s', (_reason, change) => {
    expect(isStorable({ ...record, ...change }, 'Active')).toBe(false);
  });

  it('brings any model output to stored form inside the edit-check ranges, diastolic below systolic', () => {
    const wild = toCapturedValues({ systolic: 310.4, diastolic: 305, heartRate: 10.2, temperature: 36.849, respiratoryRate: 80 });
    expect(wild).toEqual({ systolic: EDIT_CHECK_RANGES.SystolicBP.max, diastolic: EDIT_CHECK_RANGES.DiastolicBP.max, heartRate: 50, temperature: 36.8, respiratoryRate: 60 });
    const close = toCapturedValues({ systolic: 100.2, diastolic: 99.9, heartRate: 70, temperature: 37 });
    expect(close.diastolic).toBeLessThan(close.systolic);
    expect(close).not.toHaveProperty('respiratoryRate');
  });
});
