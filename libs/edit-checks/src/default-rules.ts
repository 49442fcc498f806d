import type { Rule } from './rule.js';

/**
 * The design's checks, the library of every study that never edited its own (version 0). All soft:
 * a finding opens a query, nothing is refused at capture. Out-of-range vitals are usually real
 * readings to confirm (minor); a value that points at a unit mix-up, swapped fields or a wrong
 * subject, visit or arm corrupts the analysis if left (major); an arm that changes within a subject
 * breaks the randomization (critical).
 */
const DESIGN_CHECKS: Rule[] = [
  {
    id: 'VS001',
    type: 'range',
    severity: 'minor',
    field: 'SystolicBP',
    min: 95,
    max: 200,
    message: 'Systolic blood pressure is outside 95-200 mmHg. Please check the source document and confirm or correct the value.',
    enabled: true,
    hard: false,
  },
  {
    id: 'VS002',
    type: 'range',
    severity: 'minor',
    field: 'DiastolicBP',
    min: 55,
    max: 130,
    message: 'Diastolic blood pressure is outside 55-130 mmHg. Please check the source document and confirm or correct the value.',
    enabled: true,
    hard: false,
  },
  {
    id: 'VS003',
    type: 'range',
    severity: 'minor',
    field: 'HeartRate',
    min: 50,
    max: 120,
    message: 'Heart rate is outside 50-120 beats per minute. Please check the source document and confirm or correct the value.',
    enabled: true,
    hard: false,
  },
  {
    id: 'VS004',
    type: 'range',
    severity: 'major',
    field: 'Temperature',
    min: 35.0,
    max: 40.0,
    message:
      'Temperature is outside 35.0-40.0 °C. Was it recorded in °F? (98.6 °F is 37.0 °C.) Please enter the temperature in °C, or confirm the value.',
    enabled: true,
    hard: false,
  },
  {
    id: 'VS005',
    type: 'comparison',
    severity: 'major',
    left: 'SystolicBP',
    operator: '>=',
    right: 'DiastolicBP',
    offset: 5,
    message:
      'Systolic blood pressure is not at least 5 mmHg above diastolic. Were the two values swapped? Please check the source document.',
    enabled: true,
    hard: false,
  },
  {
    id: 'VS007',
    type: 'allowed_values',
    severity: 'major',
    field: 'VisitName',
    from: 'study_visits',
    message: "The visit is not one of the study's scheduled visits. Please enter the visit name as the schedule spells it.",
    enabled: true,
    hard: false,
  },
  {
    id: 'VS008',
    type: 'allowed_values',
    severity: 'major',
    field: 'TreatmentArm',
    from: 'study_arms',
    message: "The treatment arm is not one of the study's arms. Please check the subject's randomization and correct the arm.",
    enabled: true,
    hard: false,
  },
  {
    id: 'VS009',
    type: 'pattern',
    severity: 'major',
    field: 'SubjectID',
    from: 'study_subject_id_format',
    message: "The subject id does not match the study's subject id format. Please check that the record belongs to the right subject.",
    enabled: true,
    hard: false,
  },
  {
    id: 'VS010',
    type: 'constant_within_subject',
    severity: 'critical',
    field: 'TreatmentArm',
    message:
      "The subject's treatment arm differs between visits. A subject stays in the arm they were randomized to: please correct the arm on the wrong visits.",
    enabled: true,
    hard: false,
  },
  {
    id: 'VS011',
    type: 'required_visits',
    severity: 'major',
    message: 'A required visit has no vital signs although a later visit has. Please enter the missing visit, or record why it did not take place.',
    enabled: true,
    hard: false,
  },
  {
    id: 'VS012',
    type: 'unique',
    severity: 'major',
    fields: ['SubjectID', 'VisitName'],
    message: 'The subject has more than one record for this visit. Please remove the duplicate or correct its visit name.',
    enabled: true,
    hard: false,
  },
];

export const DEFAULT_RULES: readonly Rule[] = Object.freeze(DESIGN_CHECKS.map(deepFreeze));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') Object.values(value).forEach(deepFreeze);
  return Object.freeze(value);
}
