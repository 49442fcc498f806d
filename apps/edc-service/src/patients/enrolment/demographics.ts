import type { ApiErrorDetail } from '../../../../../libs/platform/src/index.js';

/** CDISC SDTM controlled terminology (DM domain): sex (C66731, without "undifferentiated"), race (C74457), ethnicity (C66790). */
export const SEXES = ['F', 'M', 'U'] as const;
export const RACES = [
  'AMERICAN INDIAN OR ALASKA NATIVE',
  'ASIAN',
  'BLACK OR AFRICAN AMERICAN',
  'NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER',
  'WHITE',
  'MULTIPLE',
  'OTHER',
  'NOT REPORTED',
  'UNKNOWN',
] as const;
export const ETHNICITIES = ['HISPANIC OR LATINO', 'NOT HISPANIC OR LATINO', 'NOT REPORTED', 'UNKNOWN'] as const;

export type Sex = (typeof SEXES)[number];

/** Ranges outside which a value is a typo, not a patient (children's trials included). */
export const PLAUSIBLE = {
  age: { min: 0, max: 120 },
  heightCm: { min: 30, max: 250 },
  weightKg: { min: 0.5, max: 400 },
} as const;

/** Demographics as stored on the subject (the `demographics` column), snake_case as the API names them. */
export interface Demographics {
  sex?: Sex;
  /** One of birth_year and age: age in years at consent. */
  birth_year?: number;
  age?: number;
  race?: string;
  ethnicity?: string;
  height_cm?: number;
  weight_kg?: number;
}

export const DEMOGRAPHIC_FIELDS = ['sex', 'birth_year', 'age', 'race', 'ethnicity', 'height_cm', 'weight_kg'] as const;

/**
 * What is wrong with a subject's demographics as a whole, given the consent date (YYYY-MM-DD):
 * sex is required, exactly one of birth year and age, and the age at consent must be plausible.
 * Field types and ranges are the DTO's checks.
 */
export function demographicsProblems(demographics: Demographics, consentDate: string | null, prefix = 'demographics'): ApiErrorDetail[] {
  const problems: ApiErrorDetail[] = [];
  const refuse = (field: string, problem: string) => problems.push({ field: `${prefix}.${field}`, problems: [problem] });
  if (demographics.sex === undefined) refuse('sex', `is required (${SEXES.join(', ')})`);
  const hasBirthYear = demographics.birth_year !== undefined;
  const hasAge = demographics.age !== undefined;
  if (hasBirthYear === hasAge) {
    refuse(hasAge ? 'age' : 'birth_year', hasAge ? 'give birth_year or age, not both' : 'give birth_year or age (age in years at consent)');
  } else if (hasBirthYear && consentDate !== null) {
    const age = ageAtConsent(demographics, consentDate) as number;
    if (age < PLAUSIBLE.age.min) refuse('birth_year', `is after the consent date (${consentDate})`);
    else if (age > PLAUSIBLE.age.max) refuse('birth_year', `makes the subject ${age} at consent (${consentDate}); at most ${PLAUSIBLE.age.max}`);
  }
  return problems;
}

/** Age in years at consent: as given, or the consent year minus the birth year. Null when neither is known. */
export function ageAtConsent(demographics: Demographics, consentDate: string | null): number | null {
  if (demographics.age !== undefined) return demographics.age;
  if (demographics.birth_year === undefined || consentDate === null) return null;
  return Number(consentDate.slice(0, 4)) - demographics.birth_year;
}

/** The stored demographics with a change applied: a null clears a field, and birth year and age replace each other. */
export function mergeDemographics(stored: Demographics, change: Record<string, unknown>): Demographics {
  const merged: Record<string, unknown> = { ...stored };
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) continue;
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  if (change.birth_year != null && change.age === undefined) delete merged.age;
  if (change.age != null && change.birth_year === undefined) delete merged.birth_year;
  return merged as Demographics;
}

/** Only the known fields, in their order (a stored value from an older capture may hold others). */
export function pickDemographics(value: Record<string, unknown>): Demographics {
  const picked: Record<string, unknown> = {};
  for (const field of DEMOGRAPHIC_FIELDS) if (value[field] !== undefined && value[field] !== null) picked[field] = value[field];
  return picked as Demographics;
}
