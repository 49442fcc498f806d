import { type NoiseStream, noiseStreams } from './noise-random.js';

/**
 * The design's noise simulator, for training and testing the checks: realistic data-entry errors
 * put into records on purpose, deterministically for a seed, each listed. Kinds, applied in this
 * order to each record (each drawn independently, with its rate as the chance per record):
 * - typo: one numeric vital moved by ±1 (120 → 119 or 121; 36.8 → 35.8 or 37.8);
 * - unit_flip: the temperature read as °C and written in °F (36.8 → 98.2);
 * - scaling: one numeric vital multiplied or divided by 10 (120 → 1200 or 12).
 * Values that are not finite numbers (missing, null, text) are never changed.
 */

export const NOISE_KINDS = ['typo', 'unit_flip', 'scaling'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

export type NoiseRates = Record<NoiseKind, number>;

/** Rates per record when the request leaves one out. */
export const DEFAULT_NOISE_RATES: Readonly<NoiseRates> = { typo: 0.05, unit_flip: 0.02, scaling: 0.02 };

/** The store-vitals fields that typos and scaling errors may hit. */
export const NOISY_FIELDS = ['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature', 'RespiratoryRate'] as const;

export interface NoiseChange {
  /** Position of the record in the request. */
  index: number;
  field: string;
  kind: NoiseKind;
  /** The value before this change (the value sent, unless an earlier kind changed it first). */
  old: number;
  new: number;
}

export interface NoisyRecords {
  records: Array<Record<string, unknown>>;
  changes: NoiseChange[];
}

type NoisyRecord = Record<string, unknown>;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Each kind changes one value of the record (or none it can change) and says which, from what to what. */
type Apply = (record: NoisyRecord, random: NoiseStream) => { field: string; old: number; new: number } | null;

const APPLY: Record<NoiseKind, Apply> = {
  typo: (record, random) => {
    const field = pick(numericFields(record), random);
    if (field === null) return null;
    const old = record[field] as number;
    return changed(field, old, sameDecimals(old + (random.uniform() < 0.5 ? -1 : 1), decimalsOf(old)));
  },
  unit_flip: (record) => {
    const old = record.Temperature;
    return isNumber(old) ? changed('Temperature', old, sameDecimals((old * 9) / 5 + 32, 1)) : null;
  },
  scaling: (record, random) => {
    // Zero scales to itself: it is no candidate.
    const field = pick(
      numericFields(record).filter((name) => record[name] !== 0),
      random,
    );
    if (field === null) return null;
    const old = record[field] as number;
    const decimals = decimalsOf(old);
    const scaled = random.uniform() < 0.5 ? sameDecimals(old * 10, decimals === null ? null : Math.max(decimals - 1, 0)) : sameDecimals(old / 10, decimals === null ? null : decimals + 1);
    return changed(field, old, scaled);
  },
};

/**
 * The records with noise put in (copies: the input is not touched), and every change in order.
 * The same records, seed and rates always give the same answer.
 */
export function simulateNoise(records: readonly NoisyRecord[], seed: number, rates: NoiseRates): NoisyRecords {
  const { choice, detail } = noiseStreams(seed);
  const changes: NoiseChange[] = [];
  const noisy = records.map((original, index) => {
    // A fixed number of choice draws per record, whatever the rates: raising one rate moves no other kind's choices.
    const hits = NOISE_KINDS.map((kind) => choice.uniform() < rates[kind]);
    const record = { ...original };
    NOISE_KINDS.forEach((kind, position) => {
      if (!hits[position]) return;
      const change = APPLY[kind](record, detail);
      if (!change) return;
      record[change.field] = change.new;
      changes.push({ index, field: change.field, kind, old: change.old, new: change.new });
    });
    return record;
  });
  return { records: noisy, changes };
}

function numericFields(record: NoisyRecord): string[] {
  return NOISY_FIELDS.filter((field) => isNumber(record[field]));
}

function pick(fields: readonly string[], random: NoiseStream): string | null {
  return fields.length === 0 ? null : fields[random.integer(0, fields.length - 1)];
}

/** A change that would leave the value as it is, or not a finite number (a huge value times 10), is no change. */
function changed(field: string, old: number, value: number): { field: string; old: number; new: number } | null {
  return Number.isFinite(value) && value !== old ? { field, old, new: value } : null;
}

/** Digits after the decimal point as the value is written (36.8 → 1); null for exponent notation (1e-7, 1e+21). */
function decimalsOf(value: number): number | null {
  const text = String(value);
  if (/e/i.test(text)) return null;
  const point = text.indexOf('.');
  return point < 0 ? 0 : text.length - point - 1;
}

/** Rounded to `decimals` (so 36.8 + 1 is 37.8, not 37.800000000000004); null: left as computed. */
function sameDecimals(value: number, decimals: number | null): number {
  if (decimals === null || !Number.isFinite(value)) return value;
  return Number(value.toFixed(Math.min(decimals, 100)));
}
