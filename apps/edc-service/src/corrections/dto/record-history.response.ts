import { ApiProperty } from '@nestjs/swagger';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';
import { VitalSignResponse } from '../../vitals/dto/subject-vitals.response.js';
import { AdverseEventResponse } from '../../adverse-events/dto/adverse-event.response.js';

export class VersionActorResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  user_id!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'investigator1' })
  username!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'investigator', description: "the user's roles at the time, comma-separated" })
  role!: string | null;
}

/** A changed field: old and new are the field's values (any JSON type; null for a creation's old value). */
export interface FieldChangeResponse {
  field: string;
  old: unknown;
  new: unknown;
}

export class RecordVersionResponse {
  @ApiProperty({ type: 'integer', example: 2, description: '1 is the creation' })
  version!: number;

  @ApiProperty({ example: 'correct', description: 'create, correct or entered_in_error (update for a change made another way)' })
  action!: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: VersionActorResponse, nullable: true, description: 'null only for a creation the audit trail does not hold' })
  by!: VersionActorResponse | null;

  @ApiProperty({ type: String, nullable: true, example: 'transcription error', description: 'the reason given for the change' })
  reason!: string | null;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', required: ['field', 'old', 'new'], properties: { field: { type: 'string' }, old: {}, new: {} } },
    example: [{ field: 'systolic_bp', old: 125, new: 128 }],
    description: 'each changed field, old → new (values of any type; old is null for a creation)',
  })
  changes!: FieldChangeResponse[];

  @ApiProperty({ type: 'object', additionalProperties: true, description: "every field's value in this version" })
  values!: Record<string, unknown>;
}

/** The record's subject, and whether the record is entered in error, as its history shows them. */
export class EnteredInErrorState extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ description: 'hidden from reads and analyses; kept with its history' })
  entered_in_error!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  entered_in_error_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: null })
  entered_in_error_reason!: string | null;
}

export class VitalHistoryResponse extends EnteredInErrorState {
  @ApiProperty({ type: VitalSignResponse, description: 'the record as it stands' })
  vital!: VitalSignResponse;

  @ApiProperty({ type: [RecordVersionResponse], description: 'oldest first, from the audit trail' })
  versions!: RecordVersionResponse[];
}

export class AdverseEventHistoryResponse extends EnteredInErrorState {
  @ApiProperty({ type: AdverseEventResponse, description: 'the event as it stands' })
  adverse_event!: AdverseEventResponse;

  @ApiProperty({ type: [RecordVersionResponse], description: 'oldest first, from the audit trail' })
  versions!: RecordVersionResponse[];
}
