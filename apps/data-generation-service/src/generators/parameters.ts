import { type GenerationMethod, INJECTED_ERROR_KINDS, type InjectedErrorKind, type TrialDesign } from './dataset.js';
import { completedDesign } from './default-design.js';

/**
 * The generation parameters as the API takes them (snake_case, as the design's service had them),
 * their defaults and limits, and `withDefaults`, which fills and normalizes them. The normalized
 * parameters go into the manifest and the recipe: with the design they decide every byte.
 */

export const ERROR_KINDS = INJECTED_ERROR_KINDS;
/** Per-record probabilities of each injected error; `arm_switch` is per subject. */
export type ErrorRates = Record<InjectedErrorKind, number>;

/** What a caller may send: everything optional. */
export interface GenerationParametersInput {
  protocol_id?: string;
  n_per_arm?: number;
  n_total?: number;
  /** How many sites (the study's first N, then S01, S02, ...), or the site ids. */
  sites?: number | string[];
  seed?: number;
  reference_date?: string;
  enrolment_days?: number;
  first_subject_number?: number;
  missing_rate?: number;
  dropout_rate?: number;
  errors?: Partial<ErrorRates>;
  ae_rates?: Record<string, number>;
  serious_rate?: number;
  target_effect?: number;
  effect_visit?: string;
  jitter?: number;
}

/** Fully filled parameters: what a dataset was made with. */
export interface GenerationParameters {
  protocol_id: string;
  /** As asked; null when the size was given as `n_total`. */
  n_per_arm: number | null;
  n_total: number;
  /** Subjects per arm, in the design's arm order. */
  arm_counts: Array<{ arm: string; subjects: number }>;
  sites: string[];
  seed: number;
  /** YYYY-MM-DD: the first subject's Day 1. */
  reference_date: string;
  enrolment_days: number;
  first_subject_number: number;
  missing_rate: number;
  dropout_rate: number;
  errors: ErrorRates;
  /** Mean adverse events per subject, for every arm of the design (in its order). */
  ae_rates: Record<string, number>;
  serious_rate: number;
  /** rules only: Active − Placebo systolic BP at `effect_visit`, mmHg. */
  target_effect?: number;
  /** rules only. */
  effect_visit?: string;
  /** bootstrap only: jitter as a fraction of each variable's SD. */
  jitter?: number;
}

export const PARAMETER_LIMITS = {
  n_per_arm: { min: 1, max: 5_000_000 },
  n_total: { min: 1, max: 10_000_000 },
  sites: { min: 1, max: 99 },
  seed: { min: 0, max: 4_294_967_295 },
  enrolment_days: { min: 0, max: 3650 },
  first_subject_number: { min: 1, max: 99_999_999 },
  /** missing_rate, dropout_rate, serious_rate and each error rate. */
  rate: { min: 0, max: 1 },
  /** Mean adverse events per subject. */
  ae_rate: { min: 0, max: 20 },
  target_effect: { min: -100, max: 100 },
  jitter: { min: 0, max: 1 },
} as const;

export const DEFAULT_AE_RATES: Readonly<Record<string, number>> = { Active: 0.8, Placebo: 0.5 };
export const DEFAULT_AE_RATE_OTHER_ARMS = 0.5;

export const DEFAULTS = {
  n_per_arm: 50,
  sites: 3,
  seed: 1,
  reference_date: '2025-01-06',
  enrolment_days: 90,
  first_subject_number: 1,
  missing_rate: 0,
  dropout_rate: 0,
  serious_rate: 0.05,
  target_effect: -5,
  jitter: 0.05,
} as const;

export const NO_ERRORS: Readonly<ErrorRates> = { out_of_range: 0, swapped_bp: 0, unit_flip: 0, typo: 0, duplicate_visit: 0, arm_switch: 0 };

/** Parameters that cannot go together or do not fit the design (types and ranges are the DTO's checks, repeated here). */
export class GenerationParameterError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** The parameters filled with defaults and normalized against the design (see `completedDesign`). */
export function withDefaults(method: GenerationMethod, raw: GenerationParametersInput, design: TrialDesign): GenerationParameters {
  const study = completedDesign(design);
  if (raw.protocol_id !== undefined && raw.protocol_id !== study.protocolId) {
    throw new GenerationParameterError('protocol_id', `is ${raw.protocol_id} but the design is study ${study.protocolId}`);
  }
  const { n_per_arm, arm_counts } = subjectCounts(raw, study);
  const parameters: GenerationParameters = {
    protocol_id: study.protocolId,
    n_per_arm,
    n_total: arm_counts.reduce((sum, arm) => sum + arm.subjects, 0),
    arm_counts,
    sites: siteIds(raw.sites ?? DEFAULTS.sites, study.sites),
    seed: integerIn('seed', raw.seed ?? DEFAULTS.seed, PARAMETER_LIMITS.seed),
    reference_date: calendarDate('reference_date', raw.reference_date ?? DEFAULTS.reference_date),
    enrolment_days: integerIn('enrolment_days', raw.enrolment_days ?? DEFAULTS.enrolment_days, PARAMETER_LIMITS.enrolment_days),
    first_subject_number: integerIn(
      'first_subject_number',
      raw.first_subject_number ?? DEFAULTS.first_subject_number,
      PARAMETER_LIMITS.first_subject_number,
    ),
    missing_rate: numberIn('missing_rate', raw.missing_rate ?? DEFAULTS.missing_rate, PARAMETER_LIMITS.rate),
    dropout_rate: numberIn('dropout_rate', raw.dropout_rate ?? DEFAULTS.dropout_rate, PARAMETER_LIMITS.rate),
    errors: errorRates(raw.errors ?? {}),
    ae_rates: aeRates(raw.ae_rates ?? {}, study),
    serious_rate: numberIn('serious_rate', raw.serious_rate ?? DEFAULTS.serious_rate, PARAMETER_LIMITS.rate),
  };
  if (method === 'rules') {
    parameters.target_effect = numberIn('target_effect', raw.target_effect ?? DEFAULTS.target_effect, PARAMETER_LIMITS.target_effect);
    parameters.effect_visit = effectVisit(raw.effect_visit, study);
  }
  if (method === 'bootstrap') parameters.jitter = numberIn('jitter', raw.jitter ?? DEFAULTS.jitter, PARAMETER_LIMITS.jitter);
  return parameters;
}

function subjectCounts(raw: GenerationParametersInput, design: TrialDesign): Pick<GenerationParameters, 'n_per_arm' | 'arm_counts'> {
  if (raw.n_per_arm !== undefined && raw.n_total !== undefined) throw new GenerationParameterError('n_total', 'cannot be given with n_per_arm');
  if (raw.n_total === undefined) {
    const perArm = integerIn('n_per_arm', raw.n_per_arm ?? DEFAULTS.n_per_arm, PARAMETER_LIMITS.n_per_arm);
    return { n_per_arm: perArm, arm_counts: design.arms.map((arm) => ({ arm: arm.armCode, subjects: perArm })) };
  }
  const total = integerIn('n_total', raw.n_total, PARAMETER_LIMITS.n_total);
  if (total < design.arms.length) throw new GenerationParameterError('n_total', `must be at least the number of arms (${design.arms.length})`);
  return { n_per_arm: null, arm_counts: splitByRatio(total, design.arms) };
}

/** n split by the allocation ratios, rounded down; what is left goes one each to the first arms in display order. */
export function splitByRatio(total: number, arms: TrialDesign['arms']): Array<{ arm: string; subjects: number }> {
  const ratioSum = arms.reduce((sum, arm) => sum + arm.allocationRatio, 0);
  const counts = arms.map((arm) => ({ arm: arm.armCode, subjects: Math.floor((total * arm.allocationRatio) / ratioSum) }));
  let left = total - counts.reduce((sum, arm) => sum + arm.subjects, 0);
  for (const count of counts) {
    if (left === 0) break;
    count.subjects += 1;
    left -= 1;
  }
  return counts;
}

/** A number N: the study's first N sites, then S01, S02, ... (skipping ids the study already uses). */
export function siteIds(sites: number | string[], studySites: readonly string[]): string[] {
  if (Array.isArray(sites)) {
    if (sites.length < PARAMETER_LIMITS.sites.min || sites.length > PARAMETER_LIMITS.sites.max) {
      throw new GenerationParameterError('sites', `must list ${PARAMETER_LIMITS.sites.min} to ${PARAMETER_LIMITS.sites.max} sites`);
    }
    if (new Set(sites).size !== sites.length) throw new GenerationParameterError('sites', 'must not list a site twice');
    return [...sites];
  }
  const count = integerIn('sites', sites, PARAMETER_LIMITS.sites);
  const chosen = studySites.slice(0, count);
  for (let number = 1; chosen.length < count; number += 1) {
    const id = `S${String(number).padStart(2, '0')}`;
    if (!chosen.includes(id)) chosen.push(id);
  }
  return chosen;
}

function errorRates(raw: Partial<ErrorRates>): ErrorRates {
  const unknown = Object.keys(raw).find((kind) => !(ERROR_KINDS as readonly string[]).includes(kind));
  if (unknown) throw new GenerationParameterError(`errors.${unknown}`, `is not an error kind (${ERROR_KINDS.join(', ')})`);
  const rates = { ...NO_ERRORS };
  for (const kind of ERROR_KINDS) rates[kind] = numberIn(`errors.${kind}`, raw[kind] ?? 0, PARAMETER_LIMITS.rate);
  return rates;
}

function aeRates(raw: Record<string, number>, design: TrialDesign): Record<string, number> {
  const arms = design.arms.map((arm) => arm.armCode);
  const unknown = Object.keys(raw).find((arm) => !arms.includes(arm));
  if (unknown) throw new GenerationParameterError(`ae_rates.${unknown}`, `is not an arm of study ${design.protocolId} (${arms.join(', ')})`);
  const rates: Record<string, number> = {};
  for (const arm of arms) {
    rates[arm] = numberIn(`ae_rates.${arm}`, raw[arm] ?? DEFAULT_AE_RATES[arm] ?? DEFAULT_AE_RATE_OTHER_ARMS, PARAMETER_LIMITS.ae_rate);
  }
  return rates;
}

function effectVisit(raw: string | undefined, design: TrialDesign): string {
  const names = design.visits.map((visit) => visit.visitName);
  if (raw === undefined) return names[names.length - 1];
  if (!names.includes(raw)) throw new GenerationParameterError('effect_visit', `is not a visit of study ${design.protocolId} (${names.join(', ')})`);
  return raw;
}

function numberIn(field: string, value: number, limits: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < limits.min || value > limits.max) {
    throw new GenerationParameterError(field, `must be a number from ${limits.min} to ${limits.max}`);
  }
  return value;
}

function integerIn(field: string, value: number, limits: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < limits.min || value > limits.max) {
    throw new GenerationParameterError(field, `must be an integer from ${limits.min} to ${limits.max}`);
  }
  return value;
}

function calendarDate(field: string, value: string): string {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) throw new GenerationParameterError(field, 'must be a real date written YYYY-MM-DD');
  if (value < EARLIEST_REFERENCE_DATE || value > LATEST_REFERENCE_DATE) {
    throw new GenerationParameterError(field, `must be from ${EARLIEST_REFERENCE_DATE} to ${LATEST_REFERENCE_DATE}`);
  }
  return value;
}

/** Dates of a dataset stay four-digit years however long its enrolment and schedule (at most ten years each). */
const EARLIEST_REFERENCE_DATE = '1900-01-01';
const LATEST_REFERENCE_DATE = '2200-12-31';
