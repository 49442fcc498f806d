import { EDIT_CHECK_RANGES, isStorable, MIN_PULSE_PRESSURE, toOneDecimal } from './capture-rules.js';
import type { GeneratedVital, InjectedError, InjectedErrorKind, RandomStream } from './dataset.js';
import type { ErrorRates } from './parameters.js';

/**
 * Errors put into clean records on purpose, each recorded, so the quality service's recall can be
 * measured. Whether each record is drawn for each kind comes from one stream (a fixed number of
 * draws per record: raising one rate changes no other kind's choices), what the error looks like
 * from another. A record's errors share its fate: `storable` says whether capture would store the
 * record as it ends up (see `isStorable`). A duplicate visit is an error of a pair, not of one
 * record: it is storable (findable in the database) only when capture stores both the duplicate
 * and its original. When the original is refused (an earlier error in it, or the subject's arm
 * switched on it) the duplicate record may still be stored, alone and clean-looking, and its
 * error says `storable: false`. Duplicates are still drawn whatever the other kinds did, so
 * raising one rate changes no other kind's choices, and no record or content hash changes.
 */

/** Kinds drawn per record, in the order they are applied. */
const PER_RECORD_KINDS = ['out_of_range', 'swapped_bp', 'unit_flip', 'typo', 'duplicate_visit'] as const satisfies readonly InjectedErrorKind[];

type NumericField = 'SystolicBP' | 'DiastolicBP' | 'HeartRate' | 'Temperature';
const TYPO_FIELDS = ['SystolicBP', 'DiastolicBP', 'HeartRate'] as const;

export interface ErrorInjection {
  records: GeneratedVital[];
  /** Indices into `records` that capture would refuse. */
  unstorable: number[];
  injected: InjectedError[];
}

export interface ErrorStreams {
  choice: RandomStream;
  detail: RandomStream;
}

export function injectErrors(
  clean: readonly GeneratedVital[],
  subjectArm: string,
  otherArms: readonly string[],
  rates: ErrorRates,
  streams: ErrorStreams,
): ErrorInjection {
  const { choice, detail } = streams;
  const records: GeneratedVital[] = [];
  /** `pairedWith`: a duplicate's original, which must be stored too for the duplicate to be found. */
  const errors: Array<{ recordIndex: number; pairedWith?: number; error: Omit<InjectedError, 'storable'> }> = [];
  const switchesArm = choice.uniform() < rates.arm_switch;

  for (const original of clean) {
    const hits = PER_RECORD_KINDS.map((kind) => choice.uniform() < rates[kind]);
    const record = { ...original };
    const recordIndex = records.length;
    records.push(record);
    PER_RECORD_KINDS.forEach((kind, index) => {
      if (!hits[index]) return;
      if (kind === 'duplicate_visit') {
        const duplicate = redrawn(original, detail);
        errors.push({ recordIndex: records.length, pairedWith: recordIndex, error: describe(kind, record, null, null, duplicate.MeasurementTime) });
        records.push(duplicate);
        return;
      }
      const change = CHANGES[kind](record, detail);
      if (change) errors.push({ recordIndex, error: describe(kind, record, change.field, change.original, change.injected) });
    });
  }

  if (switchesArm && otherArms.length > 0 && records.length > 0) {
    const record = records[detail.integer(0, records.length - 1)];
    const arm = otherArms[detail.integer(0, otherArms.length - 1)];
    errors.push({ recordIndex: records.indexOf(record), error: describe('arm_switch', record, 'TreatmentArm', record.TreatmentArm, arm) });
    record.TreatmentArm = arm;
  }

  const storable = records.map((record) => isStorable(record, subjectArm));
  return {
    records,
    unstorable: storable.flatMap((ok, index) => (ok ? [] : [index])),
    injected: errors.map(({ recordIndex, pairedWith, error }) => ({
      ...error,
      storable: storable[recordIndex] && (pairedWith === undefined || storable[pairedWith]),
    })),
  };
}

interface Change {
  field: keyof GeneratedVital;
  original: number;
  injected: number;
}

/** Each kind changes the record in place and says what it changed (null: nothing could be changed). */
const CHANGES: Record<Exclude<(typeof PER_RECORD_KINDS)[number], 'duplicate_visit'>, (record: GeneratedVital, random: RandomStream) => Change | null> = {
  out_of_range: (record, random) => {
    const field = (['SystolicBP', 'DiastolicBP', 'HeartRate', 'Temperature'] as const)[random.integer(0, 3)];
    return set(record, field, outOfRangeValue(field, random));
  },
  swapped_bp: (record) => {
    const systolic = record.SystolicBP;
    record.SystolicBP = record.DiastolicBP;
    record.DiastolicBP = systolic;
    return { field: 'SystolicBP', original: systolic, injected: record.SystolicBP };
  },
  unit_flip: (record) => set(record, 'Temperature', toOneDecimal((record.Temperature * 9) / 5 + 32)),
  typo: (record, random) => {
    const field = TYPO_FIELDS[random.integer(0, TYPO_FIELDS.length - 1)];
    const typed = typoOf(record[field], random);
    return typed === null ? null : set(record, field, typed);
  },
};

function set(record: GeneratedVital, field: NumericField, value: number): Change {
  const original = record[field];
  record[field] = value;
  return { field, original, injected: value };
}

/**
 * A value outside the edit-check range, mostly on the side that capture still stores: high
 * systolic, heart rate and temperature, low diastolic. The other side (a low systolic, a high
 * diastolic) is usually refused, as diastolic is then not below systolic.
 */
function outOfRangeValue(field: NumericField, random: RandomStream): number {
  const usualSide = random.uniform() < 0.8;
  switch (field) {
    case 'SystolicBP':
      return usualSide ? random.integer(EDIT_CHECK_RANGES.SystolicBP.max + 5, 260) : random.integer(70, EDIT_CHECK_RANGES.SystolicBP.min - 5);
    case 'DiastolicBP':
      return usualSide ? random.integer(30, EDIT_CHECK_RANGES.DiastolicBP.min - 5) : random.integer(EDIT_CHECK_RANGES.DiastolicBP.max + 5, 160);
    case 'HeartRate':
      return usualSide ? random.integer(EDIT_CHECK_RANGES.HeartRate.max + 5, 160) : random.integer(30, EDIT_CHECK_RANGES.HeartRate.min - 5);
    case 'Temperature':
      return random.uniform() < 0.5 ? random.integer(405, 420) / 10 : random.integer(330, 345) / 10;
  }
}

/** A digit doubled, dropped, or two neighbours transposed; null when a few tries give back the same number. */
export function typoOf(value: number, random: RandomStream): number | null {
  const digits = String(value);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const operation = random.integer(0, digits.length > 1 ? 2 : 0);
    let typed: string;
    if (operation === 0) {
      const at = random.integer(0, digits.length - 1);
      typed = digits.slice(0, at + 1) + digits.slice(at);
    } else if (operation === 1) {
      const at = random.integer(0, digits.length - 1);
      typed = digits.slice(0, at) + digits.slice(at + 1);
    } else {
      const at = random.integer(0, digits.length - 2);
      typed = digits.slice(0, at) + digits[at + 1] + digits[at] + digits.slice(at + 2);
    }
    const result = Number(typed);
    if (result !== value) return result;
  }
  return null;
}

/** A second measurement at the same visit an hour later: the clean values moved a little, still clean. */
function redrawn(original: GeneratedVital, random: RandomStream): GeneratedVital {
  const systolic = clampTo(original.SystolicBP + random.integer(-6, 6), EDIT_CHECK_RANGES.SystolicBP);
  const diastolic = Math.min(systolic - MIN_PULSE_PRESSURE, clampTo(original.DiastolicBP + random.integer(-4, 4), EDIT_CHECK_RANGES.DiastolicBP));
  const duplicate: GeneratedVital = {
    ...original,
    SystolicBP: systolic,
    DiastolicBP: diastolic,
    HeartRate: clampTo(original.HeartRate + random.integer(-5, 5), { min: 60, max: 100 }),
    Temperature: toOneDecimal(clampTo(original.Temperature + random.integer(-2, 2) / 10, EDIT_CHECK_RANGES.Temperature)),
    MeasurementTime: anHourLater(original.MeasurementTime),
  };
  return duplicate;
}

function clampTo(value: number, limits: { min: number; max: number }): number {
  return Math.min(limits.max, Math.max(limits.min, value));
}

function anHourLater(isoTime: string): string {
  return new Date(Date.parse(isoTime) + 3_600_000).toISOString().replace('.000Z', 'Z');
}

function describe(
  kind: InjectedErrorKind,
  record: GeneratedVital,
  field: InjectedError['field'],
  original: InjectedError['original'],
  injected: InjectedError['injected'],
): Omit<InjectedError, 'storable'> {
  return { kind, SubjectID: record.SubjectID, VisitName: record.VisitName, field, original, injected };
}
