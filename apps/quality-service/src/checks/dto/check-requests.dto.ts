import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsObject, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { RULE_ID_PATTERN, RULE_SEVERITIES, type RuleSeverity } from '../../../../../libs/edit-checks/src/index.js';

export const MAX_CHECKED_RECORDS = 10_000;
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const CODE_HINT = 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

const RECORDS = {
  type: 'array',
  items: { type: 'object', additionalProperties: true },
  minItems: 1,
  maxItems: MAX_CHECKED_RECORDS,
  description:
    "records in store-vitals' field names (SubjectID, VisitName, TreatmentArm, SiteID, ProtocolID, VisitDate, MeasurementTime, SystolicBP, DiastolicBP, HeartRate, Temperature, RespiratoryRate); nothing is stored",
  example: [{ SubjectID: 'RA001-001', VisitName: 'Baseline', TreatmentArm: 'Active', SiteID: 'S01', SystolicBP: 210, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 }],
} as const;

export class ValidateBatchDto {
  @ApiProperty(RECORDS)
  @IsArray()
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_CHECKED_RECORDS, { message: `records must hold at most ${MAX_CHECKED_RECORDS} records` })
  records!: unknown[];

  @ApiPropertyOptional({ example: 'RA001', description: "the study of records without their own ProtocolID (default: the platform's default study)" })
  @IsOptional()
  @Matches(CODE, { message: `study ${CODE_HINT}` })
  study?: string;
}

export class TryRuleDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'a rule definition as PUT /quality/checks/rules/:ruleId takes it (with an id); not saved',
    example: { id: 'BP-DELTA', type: 'change_from_previous', field: 'SystolicBP', max_change: 40, severity: 'major', message: 'Systolic changed by more than 40 mmHg since the previous visit' },
  })
  @IsObject({ message: 'rule must be an object (a rule definition)' })
  rule!: Record<string, unknown>;

  @ApiPropertyOptional({ ...RECORDS, description: `${RECORDS.description}. Without records, the rule runs on the study's stored data` })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_CHECKED_RECORDS, { message: `records must hold at most ${MAX_CHECKED_RECORDS} records` })
  records?: unknown[];

  @ApiPropertyOptional({ example: 'RA001', description: "the study (of records without their own ProtocolID, or whose stored data is checked); default: the platform's default study" })
  @IsOptional()
  @Matches(CODE, { message: `study ${CODE_HINT}` })
  study?: string;
}

export class RunChecksDto {
  @ApiProperty({ example: 'RA001', description: 'the study whose stored vitals are checked' })
  @Matches(CODE, { message: `study ${CODE_HINT}` })
  study!: string;

  @ApiPropertyOptional({ example: 'S01', description: 'only this site' })
  @IsOptional()
  @Matches(CODE, { message: `site ${CODE_HINT}` })
  site?: string;

  @ApiPropertyOptional({ example: 'RA001-001', description: 'only this subject' })
  @IsOptional()
  @Matches(CODE, { message: `subject ${CODE_HINT}` })
  subject?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'only the subjects stored from this generated dataset' })
  @IsOptional()
  @IsUUID('all', { message: 'dataset_id must be a UUID' })
  dataset_id?: string;
}

export class RunsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'RA001', description: 'only runs of this study' })
  @IsOptional()
  @Matches(CODE, { message: `study ${CODE_HINT}` })
  study?: string;
}

export class FindingsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'VS001', description: 'only findings of this rule' })
  @IsOptional()
  @Matches(RULE_ID_PATTERN, { message: 'rule must be a rule id such as VS001' })
  rule?: string;

  @ApiPropertyOptional({ enum: RULE_SEVERITIES, description: 'only findings of this severity' })
  @IsOptional()
  @IsIn(RULE_SEVERITIES, { message: `severity must be one of ${RULE_SEVERITIES.join(', ')}` })
  severity?: RuleSeverity;
}
