import { BadRequestException } from '@nestjs/common';
import { partitionBatch, prepareBatch, toVitalRecord, type VitalRecord } from './vital-record.js';

const record = (index: number, overrides: Partial<VitalRecord> = {}): VitalRecord => ({
  index,
  protocolId: 'P1',
  subjectNumber: 'S-1',
  siteId: null,
  treatmentArm: 'Active',
  visitName: 'Screening',
  visitDate: null,
  measurementTime: null,
  systolicBp: 120,
  diastolicBp: 80,
  heartRate: 70,
  temperature: 36.6,
  respiratoryRate: null,
  ...overrides,
});

describe('toVitalRecord', () => {
  const dto = { SubjectID: 'S-1', VisitName: ' Week 1 ', TreatmentArm: 'Active', SystolicBP: 120, DiastolicBP: 80, HeartRate: 70, Temperature: 36.6 };

  it('uses the default protocol when none is given', () => {
    expect(toVitalRecord(dto, 0, 'RA001').protocolId).toBe('RA001');
  });

  it('takes the visit date from the measurement time as written at the site, and normalises the time to UTC', () => {
    const converted = toVitalRecord({ ...dto, MeasurementTime: '2026-03-01T23:30:00-05:00' }, 0, 'P');
    expect(converted.visitDate).toBe('2026-03-01');
    expect(converted.measurementTime).toBe('2026-03-02T04:30:00.000Z');
    expect(converted.visitName).toBe('Week 1');
  });
});

describe('prepareBatch', () => {
  it('collapses exact repeats and counts them', () => {
    const batch = prepareBatch([record(0), record(1), record(2, { visitName: 'Week 1' })]);
    expect(batch.records).toHaveLength(2);
    expect(batch.repeatedInBatch).toBe(1);
    expect(batch.subjects).toEqual([{ protocolId: 'P1', subjectNumber: 'S-1', siteId: null, treatmentArm: 'Active' }]);
  });

  it('sorts subjects and measurements so concurrent batches take locks in the same order', () => {
    const batch = prepareBatch([record(0, { subjectNumber: 'S-3' }), record(1, { subjectNumber: 'S-2' })]);
    expect(batch.subjects.map((s) => s.subjectNumber)).toEqual(['S-2', 'S-3']);
    expect(batch.records.map((r) => r.subjectNumber)).toEqual(['S-2', 'S-3']);
  });

  it('keeps the site given by any record of a subject', () => {
    const batch = prepareBatch([record(0), record(1, { visitName: 'Week 1', siteId: 'SITE-9' })]);
    expect(batch.subjects[0].siteId).toBe('SITE-9');
  });

  it.each([
    ['two arms for one subject', record(1, { visitName: 'W1', treatmentArm: 'Placebo' }), 'records[1].TreatmentArm'],
    ['two sites for one subject', record(1, { visitName: 'W1', siteId: 'B' }), 'records[1].SiteID'],
    ['one measurement with two sets of values', record(1, { heartRate: 90 }), 'records[1]'],
  ])('refuses %s, naming the record', (_case, clash, field) => {
    const first = record(0, { siteId: 'A' });
    try {
      prepareBatch([first, clash]);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestException);
      const body = (error as BadRequestException).getResponse() as { details: Array<{ field: string }> };
      expect(body.details.map((d) => d.field)).toContain(field);
    }
  });
});

describe('partitionBatch', () => {
  it('leaves out each record contradicting an earlier one, naming it with the caller\'s label, and keeps the rest', () => {
    const lineLabel = (index: number) => `line ${index}`;
    const { records, problems } = partitionBatch([record(2), record(3, { visitName: 'W1', treatmentArm: 'Placebo' }), record(4, { heartRate: 99 }), record(5, { visitName: 'W2' })], lineLabel);
    expect(records.map((kept) => kept.index)).toEqual([2, 5]);
    expect(problems).toEqual([
      { index: 3, field: 'TreatmentArm', problem: 'differs from line 2 for the same subject ("Active")' },
      { index: 4, field: null, problem: 'repeats the subject, visit and measurement time of line 2 with different values' },
    ]);
  });
});
