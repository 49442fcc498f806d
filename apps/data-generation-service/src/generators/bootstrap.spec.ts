import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { armsMissingFromSource, bootstrapModel, DEFAULT_BOOTSTRAP_JITTER, EmptySourceArmError } from './bootstrap.js';
import type { RandomStream, SourceRow, VitalValues } from './dataset.js';

/** A seeded stream for these tests only (the generators get theirs from random.ts): Box–Muller on xoroshiro128+. */
function testStream(seed: number): RandomStream {
  const rng = xoroshiro128plus(seed);
  return {
    uniform: () => uniformFloat64(rng),
    normal: (mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng)),
    integer: (min, max) => uniformInt(rng, min, max),
  };
}

const VISITS = ['Day 1', 'Week 4', 'Week 12'];

/** Subjects with their own level; every third one lacks Week 12. */
function sourceRows(arm: string, subjects: number, seed: number): SourceRow[] {
  const random = testStream(seed);
  return Array.from({ length: subjects }, (_, s) => {
    const level = random.normal(0, 1);
    const visits = s % 3 === 2 ? VISITS.slice(0, 2) : VISITS;
    return visits.map((visit) => ({
      subject: `${arm}-${String(s).padStart(3, '0')}`,
      arm,
      visit,
      systolic: 130 + 10 * level + random.normal(0, 5),
      diastolic: 80 + 6 * level + random.normal(0, 4),
      heartRate: 75 + random.normal(0, 8),
      temperature: 36.8 + random.normal(0, 0.3),
    }));
  }).flat();
}

const asVector = (values: VitalValues) => [values.systolic, values.diastolic, values.heartRate, values.temperature];
const rowVector = (row: SourceRow) => [row.systolic, row.diastolic, row.heartRate, row.temperature];

function sampleSd(values: number[]): number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

function variableSds(rows: SourceRow[]): number[] {
  return [0, 1, 2, 3].map((i) => sampleSd(rows.map((row) => rowVector(row)[i])));
}

const rows = [...sourceRows('Active', 30, 1), ...sourceRows('Placebo', 20, 2)];

describe('bootstrapModel', () => {
  const model = bootstrapModel(rows, DEFAULT_BOOTSTRAP_JITTER);

  it("takes each generated trajectory from one source subject of the same arm, within a few jitter SDs at every visit it has", () => {
    const noiseSds = variableSds(rows).map((sd) => DEFAULT_BOOTSTRAP_JITTER * sd);
    const random = testStream(3);
    for (const arm of ['Active', 'Placebo']) {
      const candidates = new Map<string, SourceRow[]>();
      for (const row of rows.filter((r) => r.arm === arm)) candidates.set(row.subject, [...(candidates.get(row.subject) ?? []), row]);
      for (let n = 0; n < 200; n += 1) {
        const generated = model.valuesFor(arm, VISITS, random);
        const matches = [...candidates.values()].filter(
          (trajectory) =>
            trajectory.length === generated.size &&
            trajectory.every((row) => {
              const values = generated.get(row.visit);
              return values !== undefined && asVector(values).every((value, i) => Math.abs(value - rowVector(row)[i]) < 5 * noiseSds[i]);
            }),
        );
        expect(matches.length).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it("adds noise whose SD is 5% of each variable's SD over the source", () => {
    const single = [...sourceRows('Active', 1, 4), ...sourceRows('Placebo', 20, 5)];
    const source = single.find((row) => row.arm === 'Active' && row.visit === 'Week 4')!;
    const expected = variableSds(single).map((sd) => 0.05 * sd);
    const random = testStream(6);
    const model = bootstrapModel(single, 0.05);
    const n = 20_000;
    const noise = Array.from({ length: n }, () => asVector(model.valuesFor('Active', ['Week 4'], random).get('Week 4')!).map((v, i) => v - rowVector(source)[i]));
    expected.forEach((sd, i) => {
      const measured = noise.map((d) => d[i]);
      expect(Math.abs(measured.reduce((sum, v) => sum + v, 0) / n)).toBeLessThan((4 * sd) / Math.sqrt(n));
      expect(Math.abs(sampleSd(measured) - sd)).toBeLessThan((4 * sd) / Math.sqrt(2 * n));
    });
  });

  it('picks source subjects uniformly, with replacement', () => {
    const exact = bootstrapModel(rows, 0);
    const random = testStream(7);
    const counts = new Map<number, number>();
    const n = 10_000;
    for (let i = 0; i < n; i += 1) {
      const systolic = exact.valuesFor('Placebo', ['Day 1'], random).get('Day 1')!.systolic;
      counts.set(systolic, (counts.get(systolic) ?? 0) + 1);
    }
    expect(counts.size).toBe(20);
    const expected = n / 20;
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected * (1 - 1 / 20)));
  });

  it('copies the source values exactly with no jitter, and leaves out visits the source subject lacks', () => {
    const lacking = rows.filter((row) => row.subject === 'Active-002');
    expect(lacking.map((row) => row.visit)).toEqual(['Day 1', 'Week 4']);
    const values = bootstrapModel(lacking, 0).valuesFor('Active', ['Week 12', 'Week 4', 'Day 1'], testStream(8));
    expect([...values.keys()]).toEqual(['Week 4', 'Day 1']);
    expect(asVector(values.get('Week 4')!)).toEqual(rowVector(lacking[1]));
  });

  it("is deterministic given the same stream, whatever the source rows' order", () => {
    const reversed = bootstrapModel([...rows].reverse(), DEFAULT_BOOTSTRAP_JITTER);
    expect(reversed.valuesFor('Active', VISITS, testStream(9))).toEqual(model.valuesFor('Active', VISITS, testStream(9)));
    expect(model.valuesFor('Active', VISITS, testStream(10))).not.toEqual(model.valuesFor('Active', VISITS, testStream(9)));
  });

  it('refuses an arm without source subjects, naming it', () => {
    expect(() => model.valuesFor('Other', VISITS, testStream(11))).toThrow(EmptySourceArmError);
    expect(() => model.valuesFor('Other', VISITS, testStream(11))).toThrow('the source has no subjects in arm Other');
    expect(() => bootstrapModel([], 0.05).valuesFor('Active', VISITS, testStream(11))).toThrow('the source has no subjects in arm Active');
  });

  it('refuses a negative jitter', () => {
    expect(() => bootstrapModel(rows, -0.1)).toThrow(RangeError);
  });
});

describe('armsMissingFromSource', () => {
  it('names the arms the source has no subject in, in the order given', () => {
    expect(armsMissingFromSource(rows, ['Other', 'Active', 'Late'])).toEqual(['Other', 'Late']);
  });
});
