import { ApiProperty } from '@nestjs/swagger';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';
import {
  ACTIONS_TAKEN,
  type ActionTaken,
  BODY_SYSTEMS,
  type BodySystem,
  OUTCOMES,
  type Outcome,
  RELATIONSHIPS,
  type Relationship,
  SEVERITY_GRADES,
} from '../adverse-event-fields.js';

export class AdverseEventResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'RA001-001' })
  subject_id!: string;

  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'S01' })
  site_id!: string | null;

  @ApiProperty({ example: 'Headache' })
  term!: string;

  @ApiProperty({ enum: BODY_SYSTEMS, example: 'Nervous system disorders' })
  body_system!: BodySystem;

  @ApiProperty({ format: 'date', example: '2026-03-02' })
  onset_date!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-03-04', description: 'null while ongoing' })
  end_date!: string | null;

  @ApiProperty({ type: 'integer', enum: SEVERITY_GRADES, example: 2 })
  severity_grade!: number;

  @ApiProperty({ example: false })
  serious!: boolean;

  @ApiProperty({ enum: RELATIONSHIPS, example: 'possibly_related' })
  relationship!: Relationship;

  @ApiProperty({ enum: OUTCOMES, example: 'recovered' })
  outcome!: Outcome;

  @ApiProperty({ enum: ACTIONS_TAKEN, example: 'none' })
  action_taken!: ActionTaken;

  @ApiProperty({ description: 'entered in error: hidden from lists and analyses, kept with its history' })
  entered_in_error!: boolean;

  @ApiProperty({ type: String, nullable: true })
  entered_in_error_reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  recorded_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when it was last corrected' })
  corrected_at!: string | null;
}

export class SubjectAdverseEventsResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ type: [AdverseEventResponse], description: 'by onset date; events entered in error are left out' })
  adverse_events!: AdverseEventResponse[];
}
