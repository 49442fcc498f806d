import type { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../../../../libs/platform/src/index.js';
import { StoreVitalsDto } from './store-vitals.dto.js';

/** What a client reads back when the request body is refused, through the platform's one pipe. */
async function refusal(body: unknown): Promise<{ message: string; details: Array<{ field: string; problems: string[] }> }> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: StoreVitalsDto });
  } catch (error) {
    return (error as BadRequestException).getResponse() as { message: string; details: Array<{ field: string; problems: string[] }> };
  }
  throw new Error('the body was accepted');
}

describe('StoreVitalsDto refusals', () => {
  it.each([
    ['a string', 'abcdef'],
    ['an object', { SubjectID: 'RA001-001', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72 }],
    ['a number', 5],
    ['null', null],
  ])('says only that records must be a list when it is %s', async (_kind, records) => {
    expect((await refusal({ records })).details).toEqual([{ field: 'records', problems: ['must be an array'] }]);
  });

  it('names the missing records list as required', async () => {
    expect((await refusal({})).details).toEqual([{ field: 'records', problems: ['is required'] }]);
  });

  it('says in words that a request holds at least one record and at most 10,000', async () => {
    expect((await refusal({ records: [] })).details).toEqual([{ field: 'records', problems: ['must hold at least 1 record'] }]);
    const record = { SubjectID: 'RA001-001', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 };
    expect((await refusal({ records: Array.from({ length: 10_001 }, () => record) })).details).toEqual([
      { field: 'records', problems: ['must hold at most 10000 records'] },
    ]);
  });

  it('still names each wrong record by its index', async () => {
    const { details } = await refusal({ records: [{ SubjectID: 'RA001-001' }, 'x'] });
    expect(details.map((detail) => detail.field)).toEqual(expect.arrayContaining(['records[0].VisitName', 'records[1]']));
  });
});
