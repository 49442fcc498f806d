import { ageAtConsent, type Demographics } from '../patients/enrolment/demographics.js';

/** Ages from which a subject is in the older stratum. */
export const AGE_GROUP_THRESHOLD = 65;

export interface StratifiedSubject {
  siteId: string | null;
  consentDate: string | null;
  demographics: Demographics;
}

/** A subject without a value the study stratifies by. */
export class MissingStratificationFactor extends Error {}

/** The strata of a study that names no factors: one per site. */
export const DEFAULT_STRATIFICATION = ['site'] as const;

/**
 * The stratum a subject is randomized in: each factor the study names, in the study's order, or the
 * site when it names none (e.g. `site=S01|sex=F|age_group=>=65`). Shown to the caller; the position
 * in the stratum's sequence is not.
 */
export function stratumOf(subject: StratifiedSubject, factors: readonly string[]): string {
  const named = factors.length > 0 ? factors : DEFAULT_STRATIFICATION;
  return named.map((factor) => `${factor}=${factorValue(subject, factor)}`).join('|');
}

function factorValue(subject: StratifiedSubject, factor: string): string {
  if (factor === 'site') return subject.siteId ?? 'none';
  if (factor === 'age_group') {
    const age = ageAtConsent(subject.demographics, subject.consentDate);
    if (age === null) throw new MissingStratificationFactor('the study stratifies by age_group: the subject needs an age or a birth year and a consent date');
    return age >= AGE_GROUP_THRESHOLD ? `>=${AGE_GROUP_THRESHOLD}` : `<${AGE_GROUP_THRESHOLD}`;
  }
  const value = (subject.demographics as Record<string, unknown>)[factor];
  if (value === undefined || value === null || value === '') {
    throw new MissingStratificationFactor(`the study stratifies by ${factor}: the subject has none recorded (correct it with PATCH /edc/patients/:subjectId)`);
  }
  return String(value);
}
