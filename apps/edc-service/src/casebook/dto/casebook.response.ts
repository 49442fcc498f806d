import { ApiProperty } from '@nestjs/swagger';
import { SUBJECT_STATUSES, type SubjectStatus } from '../../patients/patient.entity.js';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';
import { AdverseEventResponse } from '../../adverse-events/dto/adverse-event.response.js';
import { LockResponse } from '../../locks/dto/lock.response.js';
import { SignatureResponse } from '../../signatures/dto/signature.response.js';
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

export class CasebookAdverseEvent extends AdverseEventResponse {
  @ApiProperty({ type: 'integer', nullable: true, example: 10, description: 'study day of the onset date; null without a day 1' })
  onset_study_day!: number | null;
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

  @ApiProperty({ description: 'true for a subject of a generated dataset, never a real patient' })
  synthetic!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the generated dataset this synthetic subject was stored from (GET /generation/datasets/{id}); null for a subject captured at a site' })
  dataset_id!: string | null;

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

  @ApiProperty({ type: [LockResponse], description: 'open and past locks, by the time they were placed' })
  locks!: LockResponse[];

  @ApiProperty({ type: [SignatureResponse], description: 'every signature, valid or invalidated (with the change that did it), by signing time' })
  signatures!: SignatureResponse[];
}
