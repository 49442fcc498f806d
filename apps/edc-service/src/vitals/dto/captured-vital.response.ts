import { ApiProperty } from '@nestjs/swagger';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';
import { VitalSignResponse } from './subject-vitals.response.js';

/** One captured record with the subject it belongs to; a retry answers the record stored the first time. */
export class CapturedVitalResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ description: 'true when this request repeated a record already stored with the same values (nothing new stored)' })
  already_stored!: boolean;

  @ApiProperty({
    description:
      'true when these values repeat a record entered in error: they are not stored again, and `vital` is that record (send the correct values instead)',
  })
  entered_in_error!: boolean;

  @ApiProperty({ type: VitalSignResponse })
  vital!: VitalSignResponse;
}
