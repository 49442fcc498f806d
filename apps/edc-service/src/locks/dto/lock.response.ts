import { ApiProperty } from '@nestjs/swagger';
import { SubjectIdentity } from '../../patients/dto/patient.response.js';

/** A lock row as the database returns it. */
export interface LockRow {
  id: string;
  visit_name: string | null;
  locked_at: Date;
  locked_by: string | null;
  locked_by_username: string;
  reason: string | null;
  unlocked_at: Date | null;
  unlocked_by: string | null;
  unlocked_by_username: string | null;
  unlock_reason: string | null;
}

export class LockResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Week 4', description: 'null: all the subject\'s data' })
  visit_name!: string | null;

  @ApiProperty({ description: 'true until it is unlocked' })
  open!: boolean;

  @ApiProperty({ format: 'date-time' })
  locked_at!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  locked_by!: string | null;

  @ApiProperty({ example: 'dm1' })
  locked_by_username!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Data review complete' })
  reason!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  unlocked_at!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  unlocked_by!: string | null;

  @ApiProperty({ type: String, nullable: true })
  unlocked_by_username!: string | null;

  @ApiProperty({ type: String, nullable: true })
  unlock_reason!: string | null;
}

/** A lock placed or lifted, with the subject it is on. */
export class SubjectLockResponse extends LockResponse {
  @ApiProperty({ example: 'RA001-001' })
  subject_id!: string;

  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;
}

export class SubjectLocksResponse extends SubjectIdentity {
  @ApiProperty({ format: 'uuid' })
  patient_id!: string;

  @ApiProperty({ type: [LockResponse], description: 'open and past locks, oldest first' })
  locks!: LockResponse[];
}

export function toLockResponse(row: LockRow): LockResponse {
  return {
    id: row.id,
    visit_name: row.visit_name,
    open: row.unlocked_at === null,
    locked_at: row.locked_at.toISOString(),
    locked_by: row.locked_by,
    locked_by_username: row.locked_by_username,
    reason: row.reason,
    unlocked_at: row.unlocked_at?.toISOString() ?? null,
    unlocked_by: row.unlocked_by,
    unlocked_by_username: row.unlocked_by_username,
    unlock_reason: row.unlock_reason,
  };
}
