import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A visit name as store-vitals takes it: 1 to 64 characters, not blank. */
const VISIT_NAME = /^(?=[\s\S]*\S)[\s\S]{1,64}$/u;
const NOT_BLANK = /\S/;

export class LockSubjectDto {
  @ApiPropertyOptional({ example: 'Week 4', description: 'lock this visit only (a visit of the study, or one with data of the subject); omitted: all the subject\'s data' })
  @IsOptional()
  @IsString()
  @Matches(VISIT_NAME, { message: 'visit_name must be 1 to 64 characters and not blank' })
  visit_name?: string;

  @ApiPropertyOptional({ example: 'Data review complete' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason?: string;
}

export class UnlockSubjectDto {
  @ApiPropertyOptional({ example: 'Week 4', description: 'the visit whose lock to lift; omitted: the lock on all the subject\'s data' })
  @IsOptional()
  @IsString()
  @Matches(VISIT_NAME, { message: 'visit_name must be 1 to 64 characters and not blank' })
  visit_name?: string;

  @ApiProperty({ example: 'Query on Week 4 blood pressure: site to correct', description: 'why the locked data may change again (required)' })
  @IsString()
  @MaxLength(2000)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason!: string;
}
