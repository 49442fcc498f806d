import { BadRequestException } from '@nestjs/common';
import { lineToRecord, readHeader } from './csv-columns.js';

const REQUIRED = ['SubjectID', 'VisitName', 'TreatmentArm', 'SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature'];

describe('readHeader', () => {
  it('takes the required columns in any order, with any of the optional ones', () => {
    expect(readHeader([...REQUIRED].reverse())).toEqual([...REQUIRED].reverse());
    expect(readHeader([...REQUIRED, 'ProtocolID', 'MeasurementTime'])).toHaveLength(9);
  });

  it.each([
    ['an unknown column', [...REQUIRED, 'Weight'], /unknown column\(s\) "Weight"/],
    ['a missing column', REQUIRED.slice(1), /missing required column\(s\) SubjectID/],
    ['a repeated column', [...REQUIRED, 'HeartRate'], /named twice: HeartRate/],
    ['a column written in another case', [...REQUIRED.slice(1), 'subjectid'], /unknown column\(s\) "subjectid".*missing required column\(s\) SubjectID/],
  ])('refuses %s with 400 naming it', (_case, header, message) => {
    expect(() => readHeader(header)).toThrow(BadRequestException);
    expect(() => readHeader(header)).toThrow(message);
  });
});

describe('lineToRecord', () => {
  const header = [...REQUIRED, 'RespiratoryRate', 'SiteID'];

  it('gives numbers for the numeric columns and leaves empty cells out', () => {
    expect(lineToRecord(header, ['S-1', 'Day 1', 'Active', '125', '80', '72', '36.8', '', 'S01'])).toEqual({
      SubjectID: 'S-1',
      VisitName: 'Day 1',
      TreatmentArm: 'Active',
      SystolicBP: 125,
      DiastolicBP: 80,
      HeartRate: 72,
      Temperature: 36.8,
      SiteID: 'S01',
    });
  });

  it('leaves what is not a plain number as written, for validation to name', () => {
    const record = lineToRecord(header, ['S-1', 'Day 1', 'Active', '12O', '0x50', '1e2', 'warm', '', '007']);
    expect(record).toMatchObject({ SystolicBP: '12O', DiastolicBP: '0x50', HeartRate: '1e2', Temperature: 'warm', SiteID: '007' });
  });
});
