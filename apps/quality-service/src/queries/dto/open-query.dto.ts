import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { RULE_SEVERITIES } from '../../../../../database/migrations/1765200000000-quality-checks.js';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from './clinical-code.js';
import { IsQueryText } from './query-text.js';
import { MaxUtf8Bytes } from './utf8-bytes.js';

/**
 * As capture stores a label (visit, field): 1 to 64 characters, not blank, no NUL. A label is part
 * of the one-open-query index's key: 64 characters are at most 256 bytes in UTF-8, so a visit, a
 * field and a value of MAX_VALUE_BYTES stay well within an index entry (about 2,700 bytes).
 */
const LABEL = /^(?=[^\u0000]*[^\s\u0000])[^\u0000]{1,64}$/u;
/** The value is part of that key too: bounded in bytes, which is what the index counts. */
export const MAX_VALUE_BYTES = 1000;

/** A query opened by hand on one data point of a subject. */
export class OpenQueryDto {
  @ApiProperty({ example: 'RA001', description: 'the study (protocol id)' })
  @IsDefined({ message: 'study is required' })
  @Matches(CLINICAL_CODE, { message: `study ${CLINICAL_CODE_HINT}` })
  study!: string;

  @ApiProperty({ example: 'RA001-001', description: 'the subject id (subject number) in that study' })
  @IsDefined({ message: 'subject is required' })
  @Matches(CLINICAL_CODE, { message: `subject ${CLINICAL_CODE_HINT}` })
  subject!: string;

  @ApiPropertyOptional({ example: 'Week 4', description: 'the visit; with vital_sign_id, the vital sign\'s visit by default' })
  @IsOptional()
  @IsString()
  @Matches(LABEL, { message: 'visit must be 1 to 64 characters and not blank' })
  visit?: string;

  @ApiPropertyOptional({ example: 'SystolicBP', description: 'the field questioned (store-vitals names, or any other label)' })
  @IsOptional()
  @IsString()
  @Matches(LABEL, { message: 'field must be 1 to 64 characters and not blank' })
  field?: string;

  @ApiPropertyOptional({ example: '250', description: `the value questioned, as text: at most ${MAX_VALUE_BYTES} bytes in UTF-8 (1,000 unaccented Latin letters or digits; fewer accented letters, other scripts or emoji)` })
  @IsOptional()
  @IsString({ message: 'value must be text (write a number as "250")' })
  @Matches(/^[^\u0000]*$/u, { message: 'value must not hold the NUL character' })
  @MaxUtf8Bytes(MAX_VALUE_BYTES, { message: `value must be at most ${MAX_VALUE_BYTES} bytes in UTF-8 (an accented letter or a character of another script takes 2 to 4)` })
  value?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the vital-sign record questioned: one of this subject\'s' })
  @IsOptional()
  @IsUUID('all', { message: 'vital_sign_id must be a UUID' })
  vital_sign_id?: string;

  @ApiProperty({ enum: RULE_SEVERITIES, example: 'major' })
  @IsIn(RULE_SEVERITIES, { message: `severity must be one of: ${RULE_SEVERITIES.join(', ')}` })
  severity!: (typeof RULE_SEVERITIES)[number];

  @IsQueryText('message', 'Systolic 250 mmHg at Week 4: please confirm against the source document', { required: true, description: 'the question to the site' })
  message!: string;
}
