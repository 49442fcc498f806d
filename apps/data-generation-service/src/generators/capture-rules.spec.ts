import { EDIT_CHECK_RANGES, isStorable, MIN_PULSE_PRESSURE, toCapturedValues } from './capture-rules.js';
import type { GeneratedVital, VitalValues } from './dataset.js';
import { recipeFor } from './generation.test-support.js';
import { preview } from './preview.js';
import { StreamSource } from './random.js';

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

/** The quality service's default VS005: SystolicBP >= DiastolicBP + 5 (mirrored: a service does not import another's code). */
const passesVs005 = (systolic: number, diastolic: number): boolean => systolic >= diastolic + 5;
const insideEditChecks = (record: Pick<GeneratedVital, 'SystolicBP' | 'DiastolicBP' | 'HeartRate' | 'Temperature'>): boolean =>
  (['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature'] as const).every((field) => record[field] >= EDIT_CHECK_RANGES[field].min && record[field] <= EDIT_CHECK_RANGES[field].max);

describe('clean values are never flagged by the default edit checks', () => {
  it("keeps the gap VS005 asks for (5 mmHg), which capture's own rule (diastolic below systolic) does not", () => {
    expect(MIN_PULSE_PRESSURE).toBe(5);
    for (const diastolic of [96, 97, 98, 99, 99.9, 100, 140]) {
      const captured = toCapturedValues({ systolic: 100, diastolic, heartRate: 70, temperature: 37 });
      expect(captured).toMatchObject({ systolic: 100, diastolic: 95 });
    }
    // A gap of 5 or more is left as it is.
    expect(toCapturedValues({ systolic: 100, diastolic: 95, heartRate: 70, temperature: 37 }).diastolic).toBe(95);
    expect(toCapturedValues({ systolic: 130, diastolic: 80, heartRate: 70, temperature: 37 }).diastolic).toBe(80);
  });

  it('keeps the gap at the bottom of the systolic range, still inside the diastolic range', () => {
    const lowest = toCapturedValues({ systolic: 60, diastolic: 90, heartRate: 70, temperature: 37 });
    expect(lowest).toMatchObject({ systolic: EDIT_CHECK_RANGES.SystolicBP.min, diastolic: EDIT_CHECK_RANGES.SystolicBP.min - 5 });
    expect(lowest.diastolic).toBeGreaterThanOrEqual(EDIT_CHECK_RANGES.DiastolicBP.min);
  });

  it('gives storable values inside every edit-check range with the VS005 gap, whatever a model draws', () => {
    const random = new StreamSource(5).nextSubject().values;
    const failures: unknown[] = [];
    for (let draw = 0; draw < 20_000; draw += 1) {
      const drawn: VitalValues = {
        systolic: random.normal(120, 40),
        diastolic: random.normal(90, 40),
        heartRate: random.normal(80, 40),
        temperature: random.normal(37, 3),
        respiratoryRate: random.normal(16, 10),
      };
      const captured = toCapturedValues(drawn);
      const stored = { ...record, SystolicBP: captured.systolic, DiastolicBP: captured.diastolic, HeartRate: captured.heartRate, Temperature: captured.temperature, RespiratoryRate: captured.respiratoryRate };
      if (!isStorable(stored, 'Active') || !insideEditChecks(stored) || !passesVs005(captured.systolic, captured.diastolic)) failures.push({ drawn, captured });
    }
    expect(failures).toEqual([]);
  });

  it('holds for a whole generated dataset without errors (rules model, 500 subjects per arm)', () => {
    const { records } = preview(recipeFor({ n_per_arm: 500, seed: 9 }));
    expect(records.length).toBeGreaterThan(3_000);
    expect(records.filter((generated) => !passesVs005(generated.SystolicBP, generated.DiastolicBP) || !insideEditChecks(generated))).toEqual([]);
  });
});
