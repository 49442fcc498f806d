import { createHash } from 'node:crypto';

/** A subject as the FHIR export reads it. */
export interface FhirSubjectRow {
  patient_id: string;
  protocol_id: string;
  subject_number: string;
  site_id: string;
  sex: string | null;
  birth_year: number | null;
}

/** A vital-signs record as the FHIR export reads it (dated: the profile requires effective[x]). */
export interface FhirVitalRow {
  vital_sign_id: string;
  patient_id: string;
  /** ISO 8601: the measurement's date-time, else the visit date. */
  effective: string;
  systolic_bp: number;
  diastolic_bp: number;
  heart_rate: number;
  temperature: number;
}

export type FhirResource = Record<string, unknown> & { resourceType: string; id: string };

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** Identifies a subject: the study and its subject number (the system names the study). */
export const SUBJECT_ID_SYSTEM = 'urn:clinical-trial-platform:subject';
const PROFILE = 'http://hl7.org/fhir/StructureDefinition';

const GENDERS: Record<string, string> = { F: 'female', M: 'male', U: 'unknown' };

/**
 * A Patient without names or contacts: the subject number as its identifier, gender from the
 * demographics, the birth year as a partial date when the EDC holds one (an age alone gives none).
 */
export function patientResource(subject: FhirSubjectRow): FhirResource {
  return {
    resourceType: 'Patient',
    id: subject.patient_id,
    identifier: [{ system: `${SUBJECT_ID_SYSTEM}:${subject.protocol_id}`, value: subject.subject_number }],
    ...(subject.sex !== null && GENDERS[subject.sex] ? { gender: GENDERS[subject.sex] } : {}),
    ...(subject.birth_year !== null ? { birthDate: String(subject.birth_year).padStart(4, '0') } : {}),
  };
}

const quantity = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM, code });
const loinc = (code: string, display: string, text = display) => ({ coding: [{ system: LOINC, code, display }], text });

/** The three vital-signs Observations of one record, per the FHIR R4 vital-signs profiles (bp, heartrate, bodytemp). */
export function observationResources(vital: FhirVitalRow): FhirResource[] {
  const common = (kind: string, profile: string) => ({
    resourceType: 'Observation',
    id: derivedUuid(vital.vital_sign_id, kind),
    meta: { profile: [`${PROFILE}/${profile}`] },
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' }],
    subject: { reference: `urn:uuid:${vital.patient_id}` },
    effectiveDateTime: vital.effective,
  });
  return [
    {
      ...common('bp', 'bp'),
      code: loinc('85354-9', 'Blood pressure panel with all children optional', 'Blood pressure'),
      component: [
        { code: loinc('8480-6', 'Systolic blood pressure'), valueQuantity: quantity(vital.systolic_bp, 'mmHg', 'mm[Hg]') },
        { code: loinc('8462-4', 'Diastolic blood pressure'), valueQuantity: quantity(vital.diastolic_bp, 'mmHg', 'mm[Hg]') },
      ],
    },
    { ...common('heartrate', 'heartrate'), code: loinc('8867-4', 'Heart rate'), valueQuantity: quantity(vital.heart_rate, 'beats/minute', '/min') },
    { ...common('bodytemp', 'bodytemp'), code: loinc('8310-5', 'Body temperature'), valueQuantity: quantity(vital.temperature, 'C', 'Cel') },
  ];
}

/** A stable UUID for one Observation of a record (name-based, version 5 layout over SHA-1). */
export function derivedUuid(recordId: string, kind: string): string {
  const hex = createHash('sha1').update(`${recordId}/${kind}`).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface BundleNotes {
  synthetic: boolean;
  /** For a site-limited reader: which sites the Bundle covers. */
  siteNote: string | null;
}

export const TAG_SYSTEM = 'urn:clinical-trial-platform:export';

/**
 * A `collection` Bundle of one page of subjects with their Observations. FHIR allows `total` only on
 * search and history Bundles (bdl-1), so the subject count travels in a header, and `next` in `link`.
 */
export function collectionBundle(id: string, timestamp: Date, resources: FhirResource[], notes: BundleNotes, next: string | null): Record<string, unknown> {
  const tags = [
    ...(notes.synthetic ? [{ system: TAG_SYSTEM, code: 'synthetic', display: 'Synthetic data: generated, not captured from patients' }] : []),
    ...(notes.siteNote !== null ? [{ system: TAG_SYSTEM, code: 'site-limited', display: notes.siteNote }] : []),
  ];
  return {
    resourceType: 'Bundle',
    id,
    meta: { lastUpdated: timestamp.toISOString(), ...(tags.length > 0 ? { tag: tags } : {}) },
    type: 'collection',
    timestamp: timestamp.toISOString(),
    ...(next !== null ? { link: [{ relation: 'next', url: next }] } : {}),
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}
