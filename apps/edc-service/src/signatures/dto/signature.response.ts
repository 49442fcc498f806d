import { ApiProperty } from '@nestjs/swagger';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';

/** The change that invalidated a signature, as the database's guard trigger records it. */
export class InvalidatingChange {
  @ApiProperty({ enum: ['patient', 'vital_sign', 'adverse_event'], example: 'vital_sign' })
  entity_type!: string;

  @ApiProperty({ example: 'correct', description: '`insert` for new data, else the change\'s action (`correct`, `entered_in_error`, `update`, ...)' })
  action!: string;

  @ApiProperty({ type: [String], description: 'ids of the changed records of this subject' })
  entity_ids!: string[];

  @ApiProperty({ type: String, nullable: true, description: 'the reason given for the change (none for new data)' })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'dm1' })
  username!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

/** A signature row as the database returns it. */
export interface SignatureRow {
  id: string;
  signer_id: string;
  signer_username: string;
  signer_full_name: string;
  meaning: string;
  signed_at: Date;
  invalidated_at: Date | null;
  invalidated_by: InvalidatingChange | null;
}

export class SignatureResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  signer_id!: string;

  @ApiProperty({ example: 'inv1' })
  signer_username!: string;

  @ApiProperty({ example: 'Dr. Ada Lovelace', description: 'the printed name (21 CFR 11.50)' })
  signer_full_name!: string;

  @ApiProperty({ example: 'I approve the data as complete and accurate' })
  meaning!: string;

  @ApiProperty({ format: 'date-time' })
  signed_at!: string;

  @ApiProperty({ description: 'false once the signed data has changed' })
  valid!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  invalidated_at!: string | null;

  @ApiProperty({ type: InvalidatingChange, nullable: true, description: 'the change that invalidated it' })
  invalidated_by!: InvalidatingChange | null;
}

/** A signature just made, with the subject it signs. */
export class SubjectSignatureResponse extends SignatureResponse {
  @ApiProperty({ example: 'RA001-001' })
  subject_id!: string;

  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;
}

export class SubjectSignaturesResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ type: [SignatureResponse], description: 'every signature, valid or not, oldest first' })
  signatures!: SignatureResponse[];
}

export function toSignatureResponse(row: SignatureRow): SignatureResponse {
  return {
    id: row.id,
    signer_id: row.signer_id,
    signer_username: row.signer_username,
    signer_full_name: row.signer_full_name,
    meaning: row.meaning,
    signed_at: row.signed_at.toISOString(),
    valid: row.invalidated_at === null,
    invalidated_at: row.invalidated_at?.toISOString() ?? null,
    invalidated_by: row.invalidated_by,
  };
}
