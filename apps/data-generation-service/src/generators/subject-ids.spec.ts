import type { TrialDesign } from './dataset.js';
import { defaultDesign } from './default-design.js';
import { allBlocks, recipeFor } from './generation.test-support.js';
import { subjectNumber, subjectNumberer, subjectNumberPattern } from './subject-ids.js';

const design = defaultDesign('RA001');
const twoToOne: TrialDesign = { ...design, arms: [{ armCode: 'Active', allocationRatio: 2 }, { armCode: 'Placebo', allocationRatio: 1 }] };

describe('subject numbers', () => {
  it("follow the study's format as the EDC numbers them", () => {
    expect(subjectNumber('RA001-{seq:3}', 'S01', 7)).toBe('RA001-007');
    expect(subjectNumber('RA001-{seq:3}', 'S01', 1234)).toBe('RA001-1234');
    expect(subjectNumber('{site}-{seq:4}', 'S02', 12)).toBe('S02-0012');
    expect(subjectNumber(null, 'S02', 12)).toBe('S02-0012');
    expect(subjectNumber('X{seq}', 'S02', 5)).toBe('X5');
  });

  it('are the same numbered one by one or by a numberer made for the format', () => {
    for (const format of ['RA001-{seq:3}', '{site}-{seq:4}', null, 'X{seq}', '{seq:2}.{site}_A']) {
      const numberer = subjectNumberer(format);
      for (const sequence of [1, 42, 12345]) expect(numberer('S07', sequence)).toBe(subjectNumber(format, 'S07', sequence));
    }
  });

  it('are the default study format, in order from first_subject_number', () => {
    const ids = allBlocks(recipeFor({ n_per_arm: 3, first_subject_number: 40 })).map((block) => block.subject.SubjectID);
    expect(ids).toEqual(['RA001-040', 'RA001-041', 'RA001-042', 'RA001-043', 'RA001-044', 'RA001-045']);
  });

  it('carry the site for a study that numbers by site, and match the format on every record', () => {
    const bySite: TrialDesign = { ...design, subjectIdFormat: null };
    const blocks = allBlocks(recipeFor({ n_per_arm: 20, sites: ['BOS', 'NYC'] }, bySite));
    const pattern = subjectNumberPattern(null);
    for (const block of blocks) {
      expect(block.subject.SubjectID).toMatch(pattern);
      expect(block.subject.SubjectID.startsWith(`${block.subject.SiteID}-`)).toBe(true);
      expect(block.records.every((record) => record.SubjectID === block.subject.SubjectID && record.SiteID === block.subject.SiteID)).toBe(true);
    }
    expect(new Set(blocks.map((block) => block.subject.SubjectID)).size).toBe(40);
  });
});

describe('allocation', () => {
  it('honours n_total with a 2:1 ratio exactly', () => {
    const blocks = allBlocks(recipeFor({ n_total: 301 }, twoToOne));
    const arms = blocks.map((block) => block.subject.TreatmentArm);
    expect(arms.filter((arm) => arm === 'Active')).toHaveLength(201);
    expect(arms.filter((arm) => arm === 'Placebo')).toHaveLength(100);
  });

  it('interleaves the arms instead of taking one arm after the other', () => {
    const arms = allBlocks(recipeFor({ n_per_arm: 100 })).map((block) => block.subject.TreatmentArm);
    const firstHalf = arms.slice(0, 100);
    expect(firstHalf.filter((arm) => arm === 'Active').length).toBeGreaterThan(25);
    expect(firstHalf.filter((arm) => arm === 'Placebo').length).toBeGreaterThan(25);
  });

  it('spreads subjects evenly over the sites, each record at its subject site', () => {
    const blocks = allBlocks(recipeFor({ n_total: 100, sites: 3 }));
    const counts = ['S01', 'S02', 'S03'].map((site) => blocks.filter((block) => block.subject.SiteID === site).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('puts every record in its subject arm (when no arm_switch error is asked)', () => {
    for (const block of allBlocks(recipeFor({ n_per_arm: 50 }))) {
      expect(block.records.every((record) => record.TreatmentArm === block.subject.TreatmentArm)).toBe(true);
    }
  });
});
