import { BadRequestException } from '@nestjs/common';
import { assertTestableRecords } from './week12-records.js';

const record = { SubjectID: 'RA001-001', VisitName: 'Week 12', TreatmentArm: 'Active', SystolicBP: 128 };

function refusal(records: unknown[]): { message: string; details: Array<{ field: string; problems: string[] }> } {
  try {
    assertTestableRecords(records);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse() as { message: string; details: Array<{ field: string; problems: string[] }> };
  }
  throw new Error('the records were accepted');
}

describe('records sent to the Week 12 test', () => {
  it("accepts records in store-vitals' field names, measurements missing or null", () => {
    expect(() =>
      assertTestableRecords([
        record,
        { ...record, SiteID: 'S01', ProtocolID: 'RA001', VisitDate: '2026-03-01', MeasurementTime: '2026-03-01T09:30:00Z', DiastolicBP: 80, HeartRate: 70, Temperature: 36.8, RespiratoryRate: 14 },
        { SubjectID: 'RA001-002', VisitName: 'Week 12', TreatmentArm: 'Placebo', SystolicBP: null },
      ]),
    ).not.toThrow();
  });

  it('names each record and field with a wrong type', () => {
    const { message, details } = refusal([record, { ...record, SystolicBP: '128', TreatmentArm: 3 }, { ...record, Temperature: true, VisitDate: '2026-02-30x' }]);
    expect(details).toEqual([
      { field: 'records[1].TreatmentArm', problems: ['must be a text of 1 to 64 characters, not blank'] },
      { field: 'records[1].SystolicBP', problems: ['must be a number (at most 1000000 either side of 0) or null'] },
      { field: 'records[2].Temperature', problems: ['must be a number (at most 1000000 either side of 0) or null'] },
      { field: 'records[2].VisitDate', problems: ['must be a calendar date YYYY-MM-DD'] },
    ]);
    expect(message).toMatch(/^The records are not valid vital signs records: records\[1\]\.TreatmentArm/);
  });

  it('refuses fields store-vitals does not know, missing subject, visit or arm, and non-objects', () => {
    expect(refusal([{ ...record, Weight: 80 }]).details).toEqual([{ field: 'records[0].Weight', problems: ['is not a field of a vital signs record'] }]);
    expect(refusal([{ SystolicBP: 120 }]).details.map((d) => d.field)).toEqual(['records[0].SubjectID', 'records[0].VisitName', 'records[0].TreatmentArm']);
    expect(refusal([[record], 'x', null]).details.map((d) => d.field)).toEqual(['records[0]', 'records[1]', 'records[2]']);
    expect(refusal([{ ...record, TreatmentArm: '   ' }]).details[0].field).toBe('records[0].TreatmentArm');
    expect(refusal([{ ...record, SystolicBP: 1e7 }]).details[0].field).toBe('records[0].SystolicBP');
  });

  it('lists at most 50 problems, and says how many there were', () => {
    const { message, details } = refusal(Array.from({ length: 60 }, () => ({ ...record, SystolicBP: 'x' })));
    expect(details).toHaveLength(50);
    expect(message).toMatch(/and 55 more problems, the first 50 listed in details/);
  });
});
