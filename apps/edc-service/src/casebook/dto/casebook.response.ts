import { ApiProperty } from '@nestjs/swagger';
import { SUBJECT_STATUSES, type SubjectStatus } from '../../patients/patient.entity.js';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';
import { STUDY_STATUSES, type StudyStatus } from '../../studies/study-design.js';
import { VitalSignResponse } from '../../vitals/dto/subject-vitals.response.js';

export class CasebookStudy {
  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Default study', description: 'null for a protocol whose study was never set up' })
  title!: string | null;

  @ApiProperty({ enum: STUDY_STATUSES, nullable: true, example: 'enrolling' })
  status!: StudyStatus | null;

  @ApiProperty({ type: String, nullable: true, example: 'Day 1', description: 'the visit whose date is study day 1' })
  baseline_visit!: string | null;
}

export class CasebookSite {
  @ApiProperty({ example: 'S01' })
  site_id!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  name!: string | null;
}

export class CasebookArm {
  @ApiProperty({ example: 'Active' })
  arm_code!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Active treatment', description: "null for an arm the study's design does not list" })
  description!: string | null;
}

export class StudyDayOne {
  @ApiProperty({ format: 'date', example: '2026-03-01' })
  date!: string;

  @ApiProperty({
    enum: ['baseline_visit', 'randomization'],
    description: "the earliest date of the study's baseline visit for this subject, else the day of randomization (UTC)",
  })
  from!: 'baseline_visit' | 'randomization';
}

export class CasebookVitalSign extends VitalSignResponse {
  @ApiProperty({ type: 'integer', nullable: true, example: 28, description: 'day 1 is `study_day_1`, the day before it -1 (no day 0); null without a visit date or a day 1' })
  study_day!: number | null;

  @ApiProperty({ type: Boolean, nullable: true, description: "whether `study_day` falls in the visit's window; null for an unscheduled visit, without a visit date or without a day 1" })
  within_window!: boolean | null;
}

export class VisitWindowResponse {
  @ApiProperty({ type: 'integer', example: 25, description: 'planned day minus the window before' })
  from_day!: number;

  @ApiProperty({ type: 'integer', example: 31, description: 'planned day plus the window after' })
  to_day!: number;
}

export class CasebookVisit {
  @ApiProperty({ example: 'Week 4' })
  visit_name!: string;

  @ApiProperty({ description: "whether the visit is in the study's schedule (unscheduled visits come after the schedule's)" })
  scheduled!: boolean;

  @ApiProperty({ type: 'integer', nullable: true, example: 28 })
  planned_day!: number | null;

  @ApiProperty({ type: VisitWindowResponse, nullable: true })
  window!: VisitWindowResponse | null;

  @ApiProperty({ description: 'whether the schedule requires the visit (false for unscheduled visits)' })
  required!: boolean;

  @ApiProperty({ description: 'a required visit without any vital signs' })
  missing!: boolean;

  @ApiProperty({ type: [CasebookVitalSign], description: 'its vital signs (not those entered in error), by visit date and measurement time' })
  vitals!: CasebookVitalSign[];
}

export class CasebookAdverseEvent {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Headache' })
  term!: string;

  @ApiProperty({ example: 'Nervous system disorders' })
  body_system!: string;

  @ApiProperty({ format: 'date', example: '2026-03-10' })
  onset_date!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  end_date!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'study day of the onset date' })
  onset_study_day!: number | null;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, example: 2 })
  severity_grade!: number;

  @ApiProperty()
  serious!: boolean;

  @ApiProperty({ example: 'possible' })
  relationship!: string;

  @ApiProperty({ example: 'recovered' })
  outcome!: string;

  @ApiProperty({ example: 'none' })
  action_taken!: string;

  @ApiProperty({ format: 'date-time' })
  recorded_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it was last corrected' })
  corrected_at!: string | null;
}

export class CasebookLock {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: null, description: "the locked visit; null: all the subject's data" })
  visit_name!: string | null;

  @ApiProperty({ description: 'not unlocked yet: the data it covers refuses changes' })
  open!: boolean;

  @ApiProperty({ format: 'date-time' })
  locked_at!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'user id' })
  locked_by!: string | null;

  @ApiProperty({ example: 'dm.jones' })
  locked_by_username!: string;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  unlocked_at!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'user id' })
  unlocked_by!: string | null;

  @ApiProperty({ type: String, nullable: true })
  unlocked_by_username!: string | null;

  @ApiProperty({ type: String, nullable: true })
  unlock_reason!: string | null;
}

export class SignatureInvalidation {
  @ApiProperty({ enum: ['patient', 'vital_sign', 'adverse_event'], description: 'what kind of record changed' })
  entity_type!: string;

  @ApiProperty({ example: 'correct', description: 'the audit action of the change' })
  action!: string;

  @ApiProperty({ type: [String], description: 'the changed records of this subject' })
  entity_ids!: string[];

  @ApiProperty({ type: String, nullable: true, description: 'the reason given for the change' })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'who changed it' })
  username!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class CasebookSignature {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  signer_id!: string;

  @ApiProperty({ example: 'dr.smith' })
  signer_username!: string;

  @ApiProperty({ example: 'Dr Jane Smith' })
  signer_full_name!: string;

  @ApiProperty({ example: 'I approve the data as complete and accurate' })
  meaning!: string;

  @ApiProperty({ format: 'date-time' })
  signed_at!: string;

  @ApiProperty({ description: 'false once signed data changed afterwards' })
  valid!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  invalidated_at!: string | null;

  @ApiProperty({ type: SignatureInvalidation, nullable: true, description: 'the change that invalidated it' })
  invalidated_by!: SignatureInvalidation | null;
}

/** Everything about one subject in one answer. Open data queries will join it with the quality service. */
export class CasebookResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ type: CasebookStudy })
  study!: CasebookStudy;

  @ApiProperty({ type: CasebookSite, nullable: true })
  site!: CasebookSite | null;

  @ApiProperty({ type: CasebookArm, nullable: true, description: 'null until the subject is randomized' })
  arm!: CasebookArm | null;

  @ApiProperty({ description: 'whether the platform assigned the arm (false: the arm came with the first record, through store-vitals)' })
  randomized_by_platform!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  randomized_at!: string | null;

  @ApiProperty({ enum: SUBJECT_STATUSES, example: 'randomized' })
  status!: SubjectStatus;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  status_date!: string | null;

  @ApiProperty({ type: String, nullable: true })
  status_reason!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  consent_date!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  enrollment_date!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { sex: 'F', birth_year: 1970 } })
  demographics!: Record<string, unknown>;

  @ApiProperty({ type: StudyDayOne, nullable: true, description: 'study day 1 of this subject; null: no study days yet' })
  study_day_1!: StudyDayOne | null;

  @ApiProperty({ type: [CasebookVisit], description: "the schedule's visits in order, then unscheduled visits by their first date" })
  visits!: CasebookVisit[];

  @ApiProperty({ type: [CasebookAdverseEvent], description: 'not those entered in error; by onset date' })
  adverse_events!: CasebookAdverseEvent[];

  @ApiProperty({ type: [CasebookLock], description: 'open and past locks, by the time they were placed' })
  locks!: CasebookLock[];

  @ApiProperty({ type: [CasebookSignature], description: 'every signature, valid or invalidated, by signing time' })
  signatures!: CasebookSignature[];
}
