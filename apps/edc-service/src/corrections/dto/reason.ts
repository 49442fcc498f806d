import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Matches } from 'class-validator';

export const MAX_REASON_LENGTH = 2000;
const REASON = new RegExp(`^(?=[\\s\\S]*\\S)[\\s\\S]{1,${MAX_REASON_LENGTH}}$`, 'u');

/** The reason for a change to clinical data (21 CFR 11.10(e)): required, not blank, stored in the audit trail. */
export function IsChangeReason(example: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ example, minLength: 1, maxLength: MAX_REASON_LENGTH, description: 'why: kept with the change in the audit trail and the history' }),
    IsDefined({ message: 'reason is required: say why the data changes' }),
    IsString({ message: 'reason must be text' }),
    Matches(REASON, { message: `reason must be 1 to ${MAX_REASON_LENGTH} characters and not blank` }),
  );
}

/** Marks a record entered in error. */
export class EnteredInErrorDto {
  @IsChangeReason('recorded for the wrong subject')
  reason!: string;
}
