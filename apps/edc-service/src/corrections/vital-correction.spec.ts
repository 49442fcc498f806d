import { BadRequestException } from '@nestjs/common';
import type { CorrectVitalDto } from './dto/correct-vital.dto.js';
import { applyVitalCorrection, type VitalValues } from './vital-correction.js';

const stored: VitalValues = {
  visit_name: 'Screening',
  visit_date: '2026-03-01',
  measurement_time: '2026-03-01T09:30:00.000Z',
  systolic_bp: 125,
  diastolic_bp: 80,
  heart_rate: 72,
  temperature: 36.8,
  respiratory_rate: null,
};
const dto = (fields: Partial<CorrectVitalDto>): CorrectVitalDto => ({ reason: 'transcription error', ...fields }) as CorrectVitalDto;

function refusal(work: () => unknown): { message: string; details?: unknown } {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse() as { message: string };
  }
  throw new Error('not refused');
}

describe('applyVitalCorrection', () => {
  it('replaces the given fields and names those that change', () => {
    const { values, changed } = applyVitalCorrection(stored, dto({ systolic_bp: 128, heart_rate: 72, respiratory_rate: 16 }));
    expect(values).toEqual({ ...stored, systolic_bp: 128, respiratory_rate: 16 });
    expect(changed).toEqual(['systolic_bp', 'respiratory_rate']);
  });

  it('writes a measurement time in UTC and compares it so, trims the visit name, and clears nullable fields', () => {
    const same = refusal(() => applyVitalCorrection(stored, dto({ measurement_time: '2026-03-01T10:30:00+01:00', visit_name: ' Screening ' })));
    expect(same.message).toMatch(/Nothing would change: visit_name, measurement_time already hold/);
    const { changed } = applyVitalCorrection(stored, dto({ visit_date: null }));
    expect(changed).toEqual(['visit_date']);
  });

  it('checks diastolic against the stored systolic, and systolic against the stored diastolic', () => {
    expect(refusal(() => applyVitalCorrection(stored, dto({ diastolic_bp: 130 }))).details).toEqual([
      { field: 'diastolic_bp', problems: ['must be lower than systolic_bp (125, as stored)'] },
    ]);
    expect(refusal(() => applyVitalCorrection(stored, dto({ systolic_bp: 80 }))).details).toEqual([
      { field: 'systolic_bp', problems: ['must be higher than diastolic_bp (80, as stored)'] },
    ]);
    expect(applyVitalCorrection(stored, dto({ systolic_bp: 90, diastolic_bp: 60 })).changed).toEqual(['systolic_bp', 'diastolic_bp']);
  });

  it('refuses a correction naming no field', () => {
    expect(refusal(() => applyVitalCorrection(stored, dto({}))).message).toMatch(/^Nothing to correct: name at least one of visit_name, /);
  });
});
