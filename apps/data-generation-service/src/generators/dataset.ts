/**
 * What every generator produces, one subject at a time, so that a dataset of any size streams:
 * a subject with its demographics, its vital-signs records (in exactly the field names of
 * `POST /edc/store-vitals`), its adverse events, and what was done to it on purpose (missing
 * visits, dropout, injected errors), recorded for the manifest.
 */

export const GENERATION_METHODS = ['rules', 'mvn', 'bootstrap', 'ae'] as const;
export type GenerationMethod = (typeof GENERATION_METHODS)[number];

/** A study as generation needs it: read from the EDC's published views, or the built-in default. */
export interface TrialDesign {
  protocolId: string;
  /** e.g. `RA001-{seq:3}` or `{site}-{seq:4}`; null: the generator uses `{site}-{seq:4}`. */
  subjectIdFormat: string | null;
  baselineVisit: string | null;
  /** In display order. */
  arms: Array<{ armCode: string; allocationRatio: number }>;
  /** In display order; plannedDay 1 is the baseline day (no day 0). */
  visits: Array<{ visitName: string; plannedDay: number; windowBefore: number; windowAfter: number; required: boolean }>;
  /** The study's sites, in order (may be empty: an open study takes any site). */
  sites: string[];
}

/** One vital-signs record: exactly what `POST /edc/store-vitals` takes, so a preview can be posted back unchanged. */
export interface GeneratedVital {
  SubjectID: string;
  VisitName: string;
  TreatmentArm: string;
  SystolicBP: number;
  DiastolicBP: number;
  HeartRate: number;
  Temperature: number;
  RespiratoryRate?: number;
  SiteID: string;
  ProtocolID: string;
  VisitDate: string;
  MeasurementTime: string;
}

/** Demographics as the EDC stores them on the subject (snake_case, SDTM DM vocabularies). */
export interface GeneratedDemographics {
  sex: 'F' | 'M';
  age: number;
  race: string;
  ethnicity: string;
  height_cm: number;
  weight_kg: number;
}

export interface GeneratedSubject {
  SubjectID: string;
  SiteID: string;
  TreatmentArm: string;
  ProtocolID: string;
  /** YYYY-MM-DD: the subject's Day 1 (study day 1). */
  EnrollmentDate: string;
  ConsentDate: string;
  /** randomized, completed, or withdrawn (dropout). */
  Status: 'randomized' | 'completed' | 'withdrawn';
  demographics: GeneratedDemographics;
}

/** An adverse event in the EDC's field names (SDTM AE-style). */
export interface GeneratedAdverseEvent {
  SubjectID: string;
  term: string;
  body_system: string;
  onset_date: string;
  end_date: string | null;
  severity_grade: number;
  serious: boolean;
  relationship: string;
  outcome: string;
  action_taken: string;
}

export const INJECTED_ERROR_KINDS = ['out_of_range', 'swapped_bp', 'unit_flip', 'typo', 'duplicate_visit', 'arm_switch'] as const;
export type InjectedErrorKind = (typeof INJECTED_ERROR_KINDS)[number];

/** One error put in on purpose, so the quality service's recall can be measured. */
export interface InjectedError {
  kind: InjectedErrorKind;
  SubjectID: string;
  VisitName: string;
  /** The field changed (null for a duplicate visit, which adds a record). */
  field: keyof GeneratedVital | null;
  original: string | number | null;
  injected: string | number | null;
  /** False when the error does not end up in the database: capture would refuse its record (for a duplicate visit: either record of the pair). Kept in previews and exports. */
  storable: boolean;
}

/** Something left out on purpose: a missed visit, or a subject dropping out before a visit. */
export interface Omission {
  kind: 'missing_visit' | 'dropout';
  SubjectID: string;
  /** The visit missed, or the first visit not done after dropout. */
  VisitName: string;
}

/** One subject and everything generated for it, in generation order. */
export interface SubjectBlock {
  subject: GeneratedSubject;
  records: GeneratedVital[];
  /** Indices into `records` of records the capture rules would refuse (they carry a non-storable injected error). */
  unstorable: number[];
  adverseEvents: GeneratedAdverseEvent[];
  injected: InjectedError[];
  omissions: Omission[];
}

/** A seeded stream of random numbers (see random.ts): the only source of randomness a generator may use. */
export interface RandomStream {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Normal with the given mean and standard deviation (default: standard normal). */
  normal(mean?: number, sd?: number): number;
  /** Uniform integer in [min, max], both included. */
  integer(min: number, max: number): number;
}

/** Vital signs before rounding to what capture stores (integers; temperature to one decimal). */
export interface VitalValues {
  systolic: number;
  diastolic: number;
  heartRate: number;
  temperature: number;
  respiratoryRate?: number;
}

/** One stored or supplied record, as the mvn and bootstrap generators and the comparison read it. */
export interface SourceRow {
  subject: string;
  arm: string;
  visit: string;
  systolic: number;
  diastolic: number;
  heartRate: number;
  temperature: number;
}

/**
 * Where a subject's values come from (rules, a fitted multivariate normal, resampled trajectories):
 * given its arm and scheduled visits, its values per visit (a visit left out has no record).
 * Called once per subject, in order, with that subject's own random stream.
 */
export interface ValueModel {
  valuesFor(arm: string, visits: string[], random: RandomStream): Map<string, VitalValues>;
}
