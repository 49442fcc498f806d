import { DEFAULT_NOISE_RATES, NOISY_FIELDS, type NoiseChange, type NoiseRates, simulateNoise } from './simulate-noise.js';

const record = (index: number, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  SubjectID: `RA001-${String(index + 1).padStart(3, '0')}`,
  VisitName: 'Day 1',
  TreatmentArm: index % 2 === 0 ? 'Active' : 'Placebo',
  SystolicBP: 120 + (index % 30),
  DiastolicBP: 75 + (index % 10),
  HeartRate: 60 + (index % 25),
  Temperature: 36.5 + (index % 8) / 10,
  RespiratoryRate: 14 + (index % 5),
  ...overrides,
});
const batch = (size: number): Array<Record<string, unknown>> => Array.from({ length: size }, (_, index) => record(index));

const NONE: NoiseRates = { typo: 0, unit_flip: 0, scaling: 0 };
const only = (kind: keyof NoiseRates, rate = 1): NoiseRates => ({ ...NONE, [kind]: rate });

/** Replays the listed changes on the input, in order: what the answer's records must be. */
function replay(input: ReadonlyArray<Record<string, unknown>>, changes: readonly NoiseChange[]): Array<Record<string, unknown>> {
  const copies = input.map((item) => ({ ...item }));
  for (const change of changes) {
    expect(copies[change.index][change.field]).toBe(change.old);
    copies[change.index][change.field] = change.new;
  }
  return copies;
}

describe('simulateNoise (simulated data-entry errors)', () => {
  it('gives the same records and changes for the same seed, and others for another seed', () => {
    const input = batch(500);
    const first = simulateNoise(input, 42, { typo: 0.2, unit_flip: 0.1, scaling: 0.1 });
    expect(simulateNoise(input, 42, { typo: 0.2, unit_flip: 0.1, scaling: 0.1 })).toEqual(first);
    expect(first.changes.length).toBeGreaterThan(50);
    expect(simulateNoise(input, 43, { typo: 0.2, unit_flip: 0.1, scaling: 0.1 }).changes).not.toEqual(first.changes);
  });

  it('changes nothing at rates 0, and leaves the input untouched at any rate', () => {
    const input = batch(200);
    const snapshot = structuredClone(input);
    expect(simulateNoise(input, 7, NONE)).toEqual({ records: snapshot, changes: [] });
    simulateNoise(input, 7, { typo: 1, unit_flip: 1, scaling: 1 });
    expect(input).toEqual(snapshot);
  });

  it.each(['typo', 'unit_flip', 'scaling'] as const)('at a %s rate of 1 changes every record once by that kind', (kind) => {
    const input = batch(300);
    const { records, changes } = simulateNoise(input, 5, only(kind));
    expect(changes.map((change) => change.index)).toEqual(input.map((_, index) => index));
    expect(changes.every((change) => change.kind === kind)).toBe(true);
    records.forEach((noisy, index) => expect(noisy).not.toEqual(input[index]));
  });

  it('lists every change with the value before it, so replaying the changes on the input gives the answer', () => {
    const input = batch(400);
    const { records, changes } = simulateNoise(input, 11, { typo: 0.5, unit_flip: 0.5, scaling: 0.5 });
    expect(replay(input, changes)).toEqual(records);
    // A value hit by two kinds is listed twice, the second change starting from the first one's result.
    expect(changes.some((change, position) => changes.slice(0, position).some((earlier) => earlier.index === change.index && earlier.field === change.field))).toBe(true);
  });

  it('moves a typo by exactly ±1 in one numeric vital, both ways, over every field', () => {
    const input = batch(1000);
    const { changes } = simulateNoise(input, 3, only('typo'));
    for (const change of changes) expect(Math.abs(change.new - change.old)).toBeCloseTo(1, 9);
    expect(new Set(changes.map((change) => change.field))).toEqual(new Set(NOISY_FIELDS));
    expect(changes.some((change) => change.new > change.old) && changes.some((change) => change.new < change.old)).toBe(true);
    // Temperature keeps its one decimal: 36.8 + 1 is 37.8, not 37.800000000000004.
    for (const change of changes.filter((entry) => entry.field === 'Temperature')) expect(change.new).toBe(Number(change.new.toFixed(1)));
  });

  it('flips the temperature from °C to °F, to one decimal', () => {
    const { records, changes } = simulateNoise([record(0, { Temperature: 36.8 }), record(1, { Temperature: 38 })], 1, only('unit_flip'));
    expect(changes).toEqual([
      { index: 0, field: 'Temperature', kind: 'unit_flip', old: 36.8, new: 98.2 },
      { index: 1, field: 'Temperature', kind: 'unit_flip', old: 38, new: 100.4 },
    ]);
    expect(records.map((noisy) => noisy.Temperature)).toEqual([98.2, 100.4]);
  });

  it('scales a value by 10 up or down (120 → 1200 or 12), both ways', () => {
    const { changes } = simulateNoise(batch(400), 9, only('scaling'));
    for (const change of changes) expect([change.old * 10, change.old / 10].some((value) => Math.abs(value - change.new) < 1e-9)).toBe(true);
    expect(changes.some((change) => Math.abs(change.new) > Math.abs(change.old))).toBe(true);
    expect(changes.some((change) => Math.abs(change.new) < Math.abs(change.old))).toBe(true);
    const one = simulateNoise([{ SystolicBP: 120 }], 9, only('scaling')).changes[0];
    expect([1200, 12]).toContain(one.new);
    const temperature = simulateNoise([{ Temperature: 36.8 }], 9, only('scaling')).changes[0];
    expect([368, 3.68]).toContain(temperature.new);
  });

  it('leaves values that are not finite numbers alone, and other fields too', () => {
    const strange = { SubjectID: 'RA001-001', SystolicBP: '120', DiastolicBP: null, HeartRate: true, Temperature: '36.8', RespiratoryRate: [16], Note: 5, Nested: { SystolicBP: 120 } };
    expect(simulateNoise([strange], 1, { typo: 1, unit_flip: 1, scaling: 1 })).toEqual({ records: [strange], changes: [] });
    // Only the numeric one can be hit.
    const { changes } = simulateNoise([{ ...strange, HeartRate: 72 }], 1, { typo: 1, unit_flip: 1, scaling: 1 });
    expect(changes.map((change) => change.field)).toEqual(['HeartRate', 'HeartRate']);
    expect(changes.map((change) => change.kind)).toEqual(['typo', 'scaling']);
  });

  it('never scales a zero (it would not change) and never writes a value that is not finite', () => {
    expect(simulateNoise([{ SystolicBP: 0 }], 1, only('scaling')).changes).toEqual([]);
    const huge = simulateNoise([{ SystolicBP: Number.MAX_VALUE }], 1, { typo: 0, unit_flip: 0, scaling: 1 });
    for (const change of huge.changes) expect(Number.isFinite(change.new)).toBe(true);
  });

  it('keeps each kind\'s choices when another kind\'s rate changes', () => {
    const input = batch(500);
    const typos = (rates: NoiseRates) => simulateNoise(input, 21, rates).changes.filter((change) => change.kind === 'typo').map((change) => change.index);
    expect(typos({ ...NONE, typo: 0.1 })).toEqual(typos({ typo: 0.1, unit_flip: 0.9, scaling: 0 }));
  });

  it('puts noise in at about the rate asked', () => {
    const { changes } = simulateNoise(batch(10_000), 8, DEFAULT_NOISE_RATES);
    const share = (kind: keyof NoiseRates) => changes.filter((change) => change.kind === kind).length / 10_000;
    expect(share('typo')).toBeGreaterThan(0.04);
    expect(share('typo')).toBeLessThan(0.06);
    expect(share('unit_flip')).toBeGreaterThan(0.014);
    expect(share('unit_flip')).toBeLessThan(0.026);
    expect(share('scaling')).toBeGreaterThan(0.014);
    expect(share('scaling')).toBeLessThan(0.026);
  });
});
