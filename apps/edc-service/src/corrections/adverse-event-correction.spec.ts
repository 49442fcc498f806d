import { BadRequestException } from '@nestjs/common';
import type { AdverseEventFields } from '../adverse-events/adverse-event-fields.js';
import { applyAdverseEventCorrection } from './adverse-event-correction.js';
import type { CorrectAdverseEventDto } from './dto/correct-adverse-event.dto.js';

const stored: AdverseEventFields = {
  term: 'Headache',
  body_system: 'Nervous system disorders',
  onset_date: '2026-03-02',
  end_date: '2026-03-04',
  severity_grade: 1,
  serious: false,
  relationship: 'possibly_related',
  outcome: 'recovered',
  action_taken: 'none',
};
const NOW = new Date('2026-06-01T12:00:00Z');
const dto = (fields: Record<string, unknown>): CorrectAdverseEventDto => ({ reason: 'misread', ...fields }) as CorrectAdverseEventDto;

function refusal(work: () => unknown): { message: string; details?: unknown } {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse() as { message: string };
  }
  throw new Error('not refused');
}

describe('applyAdverseEventCorrection', () => {
  it('replaces the given fields, names those that change, and may clear the end date', () => {
    expect(applyAdverseEventCorrection(stored, dto({ severity_grade: 2, serious: false }), NOW)).toEqual({
      values: { ...stored, severity_grade: 2 },
      changed: ['severity_grade'],
    });
    expect(applyAdverseEventCorrection(stored, dto({ end_date: null, outcome: 'recovering' }), NOW).changed).toEqual(['end_date', 'outcome']);
  });

  it('checks the rules between fields against the stored values', () => {
    expect(refusal(() => applyAdverseEventCorrection(stored, dto({ end_date: '2026-03-01' }), NOW)).details).toEqual([
      { field: 'end_date', problems: ['must be on or after onset_date (2026-03-02)'] },
    ]);
    expect(JSON.stringify(refusal(() => applyAdverseEventCorrection(stored, dto({ severity_grade: 5 }), NOW)).details)).toContain('must be fatal');
  });

  it('refuses clearing a field that must hold a value, and a correction that changes nothing', () => {
    expect(refusal(() => applyAdverseEventCorrection(stored, dto({ term: null }), NOW)).details).toEqual([
      { field: 'term', problems: ['must hold a value (it cannot be cleared)'] },
    ]);
    expect(refusal(() => applyAdverseEventCorrection(stored, dto({ term: 'Headache' }), NOW)).message).toBe('Nothing would change: term already holds the value given');
    expect(refusal(() => applyAdverseEventCorrection(stored, dto({}), NOW)).message).toMatch(/^Nothing to correct/);
  });
});
