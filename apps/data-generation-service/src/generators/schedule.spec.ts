import { studyDayOf } from './calendar.js';
import type { TrialDesign } from './dataset.js';
import { defaultDesign } from './default-design.js';
import { allBlocks, recipeFor } from './generation.test-support.js';
import { windowOf } from './schedule.js';
import { seOfProportion, Z } from './stats.test-support.js';

const design = defaultDesign('RA001');

describe('visit dates', () => {
  const blocks = allBlocks(recipeFor({ n_per_arm: 500, seed: 31 }));

  it("put every visit inside its window, counted in study days from the subject's Day 1 (the baseline visit's date)", () => {
    for (const block of blocks) {
      expect(block.records.find((record) => record.VisitName === 'Day 1')?.VisitDate).toBe(block.subject.EnrollmentDate);
      for (const record of block.records) {
        const visit = design.visits.find((candidate) => candidate.visitName === record.VisitName)!;
        const day = studyDayOf(record.VisitDate, block.subject.EnrollmentDate);
        const window = windowOf(visit);
        expect(day).toBeGreaterThanOrEqual(window.fromDay);
        expect(day).toBeLessThanOrEqual(window.toDay);
      }
    }
  });

  it('use the whole window, not only the planned day', () => {
    const week12Days = new Set(blocks.map((block) => studyDayOf(block.records[3].VisitDate, block.subject.EnrollmentDate)));
    expect([...week12Days].sort((a, b) => a - b)).toEqual([77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91]);
  });

  it('measure on the visit day between 08:00 and 17:00 UTC, written with Z and no milliseconds', () => {
    for (const record of blocks.flatMap((block) => block.records)) {
      expect(record.MeasurementTime).toMatch(/^\d{4}-\d{2}-\d{2}T(0[89]|1[0-6]):[0-5]\d:00Z$/);
      expect(record.MeasurementTime.slice(0, 10)).toBe(record.VisitDate);
    }
  });

  it('spread Day 1 over the enrolment days from the reference date, the first subject on it', () => {
    const days = blocks.map((block) => block.subject.EnrollmentDate);
    expect(days[0]).toBe('2025-01-06');
    expect(days.every((day) => day >= '2025-01-06' && day < '2025-04-06')).toBe(true);
    expect(new Set(days).size).toBe(90);
  });

  it('have consent on or before every visit', () => {
    for (const block of blocks) {
      expect(block.records.every((record) => record.VisitDate >= block.subject.ConsentDate)).toBe(true);
    }
  });

  it('skip day 0 in a window that crosses it', () => {
    const crossing: TrialDesign = {
      ...design,
      visits: [
        { visitName: 'Baseline', plannedDay: 1, windowBefore: 0, windowAfter: 0, required: true },
        { visitName: 'Check', plannedDay: 1, windowBefore: 2, windowAfter: 1, required: true },
      ],
      baselineVisit: 'Baseline',
    };
    const days = allBlocks(recipeFor({ n_per_arm: 200 }, crossing)).map((block) =>
      studyDayOf(block.records[1].VisitDate, block.subject.EnrollmentDate),
    );
    expect(new Set(days)).toEqual(new Set([-1, 1, 2]));
  });
});

describe('missing visits and dropout', () => {
  const subjects = 2000;
  const blocks = allBlocks(recipeFor({ n_total: subjects, seed: 77, missing_rate: 0.1, dropout_rate: 0.2 }));
  const omissions = blocks.flatMap((block) => block.omissions);

  it('drop subjects at the dropout rate, at a post-baseline visit, with no record from it on, as withdrawn', () => {
    const dropouts = blocks.filter((block) => block.omissions.some((omission) => omission.kind === 'dropout'));
    expect(Math.abs(dropouts.length / subjects - 0.2)).toBeLessThan(Z * seOfProportion(0.2, subjects));
    for (const block of dropouts) {
      expect(block.subject.Status).toBe('withdrawn');
      const visit = block.omissions.find((omission) => omission.kind === 'dropout')!.VisitName;
      expect(['Week 4', 'Week 12']).toContain(visit);
      const from = design.visits.findIndex((candidate) => candidate.visitName === visit);
      const absent = design.visits.slice(from).map((candidate) => candidate.visitName);
      expect(block.records.some((record) => absent.includes(record.VisitName))).toBe(false);
    }
    expect(blocks.filter((block) => block.subject.Status === 'completed')).toHaveLength(subjects - dropouts.length);
  });

  it('miss non-baseline visits at the missing rate, never the baseline, each with no record', () => {
    const missed = omissions.filter((omission) => omission.kind === 'missing_visit');
    expect(missed.some((omission) => omission.VisitName === 'Day 1')).toBe(false);
    // Screening is never after a dropout, so its misses measure the rate alone.
    const screeningMissed = missed.filter((omission) => omission.VisitName === 'Screening').length;
    expect(Math.abs(screeningMissed / subjects - 0.1)).toBeLessThan(Z * seOfProportion(0.1, subjects));
    for (const omission of missed) {
      const block = blocks.find((candidate) => candidate.subject.SubjectID === omission.SubjectID)!;
      expect(block.records.some((record) => record.VisitName === omission.VisitName)).toBe(false);
    }
  });

  it('give every subject the baseline visit, and records for exactly the visits not omitted', () => {
    for (const block of blocks) {
      expect(block.records.some((record) => record.VisitName === 'Day 1')).toBe(true);
      const dropoutAt = block.omissions.find((omission) => omission.kind === 'dropout');
      const expected =
        design.visits.length -
        block.omissions.filter((omission) => omission.kind === 'missing_visit').length -
        (dropoutAt ? design.visits.length - design.visits.findIndex((visit) => visit.visitName === dropoutAt.VisitName) : 0);
      expect(block.records).toHaveLength(expected);
    }
  });

  it('leave the dates of the visits that remain where they were without missing data', () => {
    const complete = allBlocks(recipeFor({ n_total: subjects, seed: 77 }));
    blocks.forEach((block, index) => {
      for (const record of block.records) {
        const same = complete[index].records.find((candidate) => candidate.VisitName === record.VisitName)!;
        expect(record).toEqual(same);
      }
    });
  });
});
