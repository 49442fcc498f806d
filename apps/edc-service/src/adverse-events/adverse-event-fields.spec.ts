import type { BadRequestException } from '@nestjs/common';
import { createValidationPipe } from '../../../../libs/platform/src/index.js';
import {
  type AdverseEventFields,
  AdverseEventFieldsDto,
  adverseEventProblems,
  BODY_SYSTEMS,
  endDateProblem,
  fatalGradeProblem,
  fatalSeriousProblem,
  futureDateProblems,
  isCalendarDate,
  latestAllowedDate,
} from './adverse-event-fields.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const headache: AdverseEventFields = {
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
const death: AdverseEventFields = { ...headache, term: 'Myocardial infarction', body_system: 'Cardiac disorders', severity_grade: 5, serious: true, outcome: 'fatal' };

describe('adverse event rules between fields', () => {
  it('accepts a consistent event, an ongoing one and a fatal one', () => {
    expect(adverseEventProblems(headache, NOW)).toEqual([]);
    expect(adverseEventProblems({ ...headache, end_date: null, outcome: 'recovering' }, NOW)).toEqual([]);
    expect(adverseEventProblems(death, NOW)).toEqual([]);
  });

  it('refuses an end before the onset, naming end_date and the onset; the same day is fine', () => {
    expect(endDateProblem({ onset_date: '2026-03-02', end_date: '2026-03-01' })).toEqual({
      field: 'end_date',
      problems: ['must be on or after onset_date (2026-03-02)'],
    });
    expect(endDateProblem({ onset_date: '2026-03-02', end_date: '2026-03-02' })).toBeNull();
    expect(endDateProblem({ onset_date: '2026-03-02', end_date: null })).toBeNull();
  });

  it('holds grade 5 and a fatal outcome together, in both directions', () => {
    expect(fatalGradeProblem({ severity_grade: 5, outcome: 'recovered' })?.field).toBe('outcome');
    expect(fatalGradeProblem({ severity_grade: 4, outcome: 'fatal' })?.field).toBe('severity_grade');
    expect(fatalGradeProblem({ severity_grade: 5, outcome: 'fatal' })).toBeNull();
    expect(fatalGradeProblem({ severity_grade: 4, outcome: 'not_recovered' })).toBeNull();
  });

  it('requires a fatal event to be serious', () => {
    expect(fatalSeriousProblem({ outcome: 'fatal', serious: false })).toEqual({ field: 'serious', problems: ['must be true when outcome is fatal'] });
    expect(fatalSeriousProblem({ outcome: 'recovered', serious: true })).toBeNull();
  });

  it('refuses dates after tomorrow (UTC), since a site ahead of UTC may already be in tomorrow', () => {
    expect(latestAllowedDate(NOW)).toBe('2026-03-11');
    expect(futureDateProblems({ onset_date: '2026-03-11', end_date: null }, NOW)).toEqual([]);
    expect(futureDateProblems({ onset_date: '2026-03-12', end_date: '2026-03-13' }, NOW).map((p) => p.field)).toEqual(['onset_date', 'end_date']);
  });

  it('lists every broken rule at once', () => {
    const fields = adverseEventProblems({ ...headache, end_date: '2026-03-01', severity_grade: 3, outcome: 'fatal', serious: false }, NOW).map((p) => p.field);
    expect(fields).toEqual(['end_date', 'severity_grade', 'serious']);
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-3-1')).toBe(false);
    expect(isCalendarDate(20260301)).toBe(false);
  });

  it('lists the 27 MedDRA System Organ Classes, each once', () => {
    expect(new Set(BODY_SYSTEMS).size).toBe(27);
  });
});

async function refusal(body: unknown): Promise<Array<{ field: string; problems: string[] }>> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: AdverseEventFieldsDto });
  } catch (error) {
    return ((error as BadRequestException).getResponse() as { details: Array<{ field: string; problems: string[] }> }).details;
  }
  throw new Error('the body was accepted');
}

describe('AdverseEventFieldsDto', () => {
  it('accepts an event without an end date, and one with end_date null', async () => {
    const { end_date: _ongoing, ...withoutEnd } = headache;
    await expect(createValidationPipe().transform(withoutEnd, { type: 'body', metatype: AdverseEventFieldsDto })).resolves.toMatchObject(withoutEnd);
    await expect(createValidationPipe().transform({ ...headache, end_date: null }, { type: 'body', metatype: AdverseEventFieldsDto })).resolves.toBeDefined();
  });

  it('names each missing field as required', async () => {
    expect((await refusal({})).map((d) => d.field).sort()).toEqual(
      ['action_taken', 'body_system', 'onset_date', 'outcome', 'relationship', 'serious', 'severity_grade', 'term'].sort(),
    );
  });

  it('reports a wrong type once, not with every range check', async () => {
    expect(await refusal({ ...headache, severity_grade: '3', serious: 'yes' })).toEqual([
      { field: 'severity_grade', problems: ['must be an integer number'] },
      { field: 'serious', problems: ['must be a boolean value'] },
    ]);
  });

  it('lists the allowed body systems when given another', async () => {
    const [detail] = await refusal({ ...headache, body_system: 'Head' });
    expect(detail.field).toBe('body_system');
    expect(detail.problems[0]).toContain('Nervous system disorders');
    expect(detail.problems[0]).toContain('Vascular disorders');
  });

  it.each([
    ['a blank term', { term: '   ' }, 'term'],
    ['a term of 201 characters', { term: 'x'.repeat(201) }, 'term'],
    ['grade 0', { severity_grade: 0 }, 'severity_grade'],
    ['grade 6', { severity_grade: 6 }, 'severity_grade'],
    ['an unknown relationship', { relationship: 'maybe' }, 'relationship'],
    ['an unknown outcome', { outcome: 'dead' }, 'outcome'],
    ['an unknown action', { action_taken: 'stopped' }, 'action_taken'],
    ['a date that does not exist', { onset_date: '2026-02-30' }, 'onset_date'],
    ['a date and time', { onset_date: '2026-03-02T10:00:00Z' }, 'onset_date'],
    ['an end date far in the future', { end_date: '2999-01-01' }, 'end_date'],
  ])('refuses %s', async (_case, change, field) => {
    expect((await refusal({ ...headache, ...change })).map((d) => d.field)).toEqual([field]);
  });

  it('refuses unknown fields, naming them', async () => {
    const details = await refusal({ ...headache, subject_id: 'RA001-001' });
    expect(details.map((d) => d.field)).toEqual(['subject_id']);
  });
});
