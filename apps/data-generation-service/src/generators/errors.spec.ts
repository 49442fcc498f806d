import { isStorable } from './capture-rules.js';
import { INJECTED_ERROR_KINDS, type InjectedErrorKind, type SubjectBlock } from './dataset.js';
import { allBlocks, recipeFor } from './generation.test-support.js';
import { typoOf } from './errors.js';
import { StreamSource } from './random.js';
import { seOfProportion, Z } from './stats.test-support.js';

const rates = { out_of_range: 0.05, swapped_bp: 0.03, unit_flip: 0.02, typo: 0.04, duplicate_visit: 0.03, arm_switch: 0.1 };
const subjects = 2500;
const blocks = allBlocks(recipeFor({ n_total: subjects, seed: 99, errors: rates }));
const injected = blocks.flatMap((block) => block.injected);
const cleanRecords = subjects * 4;
const count = (kind: InjectedErrorKind): number => injected.filter((error) => error.kind === kind).length;

describe('error injection', () => {
  it('injects each per-record kind at its rate (binomial tolerance)', () => {
    for (const kind of ['out_of_range', 'swapped_bp', 'unit_flip', 'duplicate_visit'] as const) {
      expect(Math.abs(count(kind) / cleanRecords - rates[kind])).toBeLessThan(Z * seOfProportion(rates[kind], cleanRecords));
    }
    // A typo that happens to give back the same number is not made, which the rate tolerates.
    expect(Math.abs(count('typo') / cleanRecords - rates.typo)).toBeLessThan(Z * seOfProportion(rates.typo, cleanRecords));
  });

  it('switches the arm of one record in a subject at the per-subject rate', () => {
    expect(Math.abs(count('arm_switch') / subjects - rates.arm_switch)).toBeLessThan(Z * seOfProportion(rates.arm_switch, subjects));
    for (const block of blocks) {
      const switched = block.records.filter((record) => record.TreatmentArm !== block.subject.TreatmentArm);
      expect(switched).toHaveLength(block.injected.filter((error) => error.kind === 'arm_switch').length);
    }
  });

  it('records every error in the manifest entry of its subject and visit, with what it changed', () => {
    for (const block of blocks) {
      for (const error of block.injected) {
        expect(error.SubjectID).toBe(block.subject.SubjectID);
        const record = block.records.find((candidate) => candidate.VisitName === error.VisitName);
        expect(record).toBeDefined();
        if (error.field !== null && error.kind !== 'swapped_bp') expect(error.injected).not.toEqual(error.original);
      }
    }
    expect(new Set(injected.map((error) => error.kind))).toEqual(new Set(INJECTED_ERROR_KINDS));
  });

  it('marks an error storable exactly when capture would store its record, and lists the others as unstorable', () => {
    for (const block of blocks) {
      const storable = block.records.map((record) => isStorable(record, block.subject.TreatmentArm));
      expect(block.unstorable).toEqual(storable.flatMap((ok, index) => (ok ? [] : [index])));
      // Only records with an injected error are refused.
      expect(block.unstorable.length).toBeLessThanOrEqual(block.injected.length);
    }
    const byKind = (kind: InjectedErrorKind): boolean[] => injected.filter((error) => error.kind === kind).map((error) => error.storable);
    expect(byKind('swapped_bp').every((storable) => !storable)).toBe(true);
    expect(byKind('unit_flip').every((storable) => !storable)).toBe(true);
    expect(byKind('arm_switch').every((storable) => !storable)).toBe(true);
    const outOfRange = byKind('out_of_range');
    expect(outOfRange.filter(Boolean).length / outOfRange.length).toBeGreaterThan(0.7);
    const typos = byKind('typo');
    expect(typos.some(Boolean) && typos.some((storable) => !storable)).toBe(true);
  });

  it('gives a storable error record the same storable verdict for each of its errors', () => {
    for (const block of blocks) {
      for (const error of block.injected) {
        if (error.kind === 'duplicate_visit') continue;
        const records = block.records.filter((record) => record.VisitName === error.VisitName);
        expect(records.some((record) => isStorable(record, block.subject.TreatmentArm) === error.storable)).toBe(true);
      }
    }
  });

  it('marks a duplicate visit storable only when capture stores both records of the pair (else the database holds no duplicate to find)', () => {
    let pairs = 0;
    for (const block of blocks) {
      for (const error of block.injected.filter((candidate) => candidate.kind === 'duplicate_visit')) {
        const duplicate = block.records.findIndex((record) => record.VisitName === error.VisitName && record.MeasurementTime === error.injected);
        const original = duplicate - 1;
        expect(duplicate).toBeGreaterThan(0);
        expect(block.records[original].VisitName).toBe(error.VisitName);
        const bothStored = !block.unstorable.includes(original) && !block.unstorable.includes(duplicate);
        expect(error.storable).toBe(bothStored);
        pairs += 1;
      }
    }
    expect(pairs).toBe(count('duplicate_visit'));
  });

  it('marks a duplicate of a record capture refuses not storable, though the duplicate itself is clean and stored alone', () => {
    const refusedOriginals = allBlocks(recipeFor({ n_total: 50, seed: 5, errors: { swapped_bp: 1, duplicate_visit: 1 } }));
    const duplicates = refusedOriginals.flatMap((block) => block.injected.filter((error) => error.kind === 'duplicate_visit'));
    expect(duplicates.length).toBeGreaterThan(100);
    expect(duplicates.filter((error) => error.storable)).toEqual([]);
    for (const block of refusedOriginals) {
      // Every original is swapped (refused); every duplicate, drawn from the clean values, is stored.
      expect(block.unstorable).toEqual(block.records.flatMap((record, index) => (isStorable(record, block.subject.TreatmentArm) ? [] : [index])));
      expect(block.unstorable.length * 2).toBe(block.records.length);
    }
  });

  it('puts out-of-range values outside the edit-check ranges', () => {
    const ranges: Record<string, [number, number]> = { SystolicBP: [95, 200], DiastolicBP: [55, 130], HeartRate: [50, 120], Temperature: [35, 40] };
    for (const error of injected.filter((candidate) => candidate.kind === 'out_of_range')) {
      const [min, max] = ranges[error.field as string];
      expect((error.injected as number) < min || (error.injected as number) > max).toBe(true);
    }
  });

  it('flips temperature to Fahrenheit and duplicates a visit an hour later', () => {
    for (const error of injected.filter((candidate) => candidate.kind === 'unit_flip')) {
      expect(error.injected).toBeCloseTo(((error.original as number) * 9) / 5 + 32, 1);
    }
    const duplicated = blocks.find((block) => block.injected.some((error) => error.kind === 'duplicate_visit')) as SubjectBlock;
    const error = duplicated.injected.find((candidate) => candidate.kind === 'duplicate_visit')!;
    const pair = duplicated.records.filter((record) => record.VisitName === error.VisitName);
    expect(pair.length).toBeGreaterThanOrEqual(2);
    expect(Date.parse(pair[1].MeasurementTime) - Date.parse(pair[0].MeasurementTime)).toBe(3_600_000);
    expect(pair[1].MeasurementTime).toBe(error.injected);
  });

  it('leaves every clean value, date and omission where it was when error rates change', () => {
    const clean = allBlocks(recipeFor({ n_total: subjects, seed: 99 }));
    const moved: string[] = [];
    blocks.forEach((block, index) => {
      expect(block.subject).toEqual(clean[index].subject);
      expect(block.adverseEvents).toEqual(clean[index].adverseEvents);
      expect(block.omissions).toEqual(clean[index].omissions);
      const duplicates = new Set(block.injected.filter((error) => error.kind === 'duplicate_visit').map((error) => error.injected));
      const originals = block.records.filter((record) => !duplicates.has(record.MeasurementTime));
      expect(originals).toHaveLength(clean[index].records.length);
      originals.forEach((record, at) => {
        const errors = block.injected.filter((error) => error.VisitName === record.VisitName && error.field !== null);
        const changed = new Set<string>(errors.flatMap((error) => (error.kind === 'swapped_bp' ? ['SystolicBP', 'DiastolicBP'] : [error.field as string])));
        for (const [field, value] of Object.entries(clean[index].records[at])) {
          if (!changed.has(field) && record[field as keyof typeof record] !== value) moved.push(`${record.SubjectID} ${record.VisitName} ${field}`);
        }
      });
    });
    expect(moved).toEqual([]);
  });

  it('leaves the clean records untouched when only another error rate changes', () => {
    const moreTypos = allBlocks(recipeFor({ n_total: 300, seed: 99, errors: { ...rates, typo: 0.5 } }));
    const fewer = allBlocks(recipeFor({ n_total: 300, seed: 99, errors: rates }));
    const kinds = (list: SubjectBlock[]) => list.flatMap((block) => block.injected.filter((error) => error.kind === 'unit_flip').map((error) => `${error.SubjectID} ${error.VisitName}`));
    expect(kinds(moreTypos)).toEqual(kinds(fewer));
  });
});

describe('duplicate visits', () => {
  it('are redrawn clean: systolic at least 5 above diastolic, as the default rule VS005 asks', () => {
    const records = allBlocks(recipeFor({ n_total: 300, seed: 5, errors: { duplicate_visit: 0.5 } })).flatMap((block) => block.records);
    expect(records.length).toBeGreaterThan(300 * 4);
    expect(records.filter((record) => record.SystolicBP < record.DiastolicBP + 5)).toEqual([]);
  });
});

describe('typos', () => {
  it('double, drop or transpose a digit, and never give back the same number', () => {
    const random = new StreamSource(4).nextSubject().errorDetail;
    const seen = new Set<number>();
    for (let i = 0; i < 300; i += 1) {
      const typed = typoOf(128, random);
      expect(typed).not.toBe(128);
      if (typed !== null) seen.add(typed);
    }
    for (const expected of [1128, 1228, 1288, 28, 18, 12, 218, 182]) expect(seen).toContain(expected);
    expect([111, 1]).toContain(typoOf(11, random));
  });
});
