import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
import { RULE_SEVERITIES } from '../../../../../libs/edit-checks/src/index.js';
import { ApiErrorDetail } from '../../../../../libs/platform/src/index.js';
import { MAX_RECORDS_PER_REQUEST } from './store-vitals.dto.js';

const RECORDS = { type: 'array', items: { type: 'object', additionalProperties: true }, minItems: 1, maxItems: MAX_RECORDS_PER_REQUEST } as const;

/** A batch in store-vitals' field names, checked record by record: a bad record is an answer, not a 400. */
export class ValidateVitalsDto {
  @ApiProperty({ ...RECORDS, description: "records in store-vitals' field names; each is checked, none is stored" })
  @IsArray()
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_RECORDS_PER_REQUEST, { message: `records must hold at most ${MAX_RECORDS_PER_REQUEST} records` })
  records!: unknown[];
}

export class RepairVitalsDto {
  @ApiProperty({ ...RECORDS, description: "synthetic records in store-vitals' field names" })
  @IsArray()
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_RECORDS_PER_REQUEST, { message: `records must hold at most ${MAX_RECORDS_PER_REQUEST} records` })
  @IsObject({ each: true, message: 'each of records must be an object' })
  records!: Array<Record<string, unknown>>;
}

/** What one of the study's edit checks says about a record (as at capture: hard refuses it, soft opens a query). */
export class RecordFinding {
  @ApiProperty({ example: 'VS001' })
  rule_id!: string;

  @ApiProperty({ enum: RULE_SEVERITIES, example: 'minor' })
  severity!: string;

  @ApiProperty({ description: 'true: store-vitals would refuse the record; false: it would be stored and a query opened', example: false })
  hard!: boolean;

  @ApiProperty({ type: 'string', nullable: true, example: 'SystolicBP' })
  field!: string | null;

  @ApiProperty({ type: 'string', nullable: true, example: '250' })
  value!: string | null;

  @ApiProperty({ example: 'Systolic blood pressure outside 95-200 mmHg' })
  message!: string;
}

export class RecordCheckResult {
  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'position in records' })
  index!: number;

  @ApiProperty({ example: false })
  valid!: boolean;

  @ApiProperty({ type: [ApiErrorDetail], example: [{ field: 'SystolicBP', problems: ['must not be greater than 300'] }] })
  problems!: ApiErrorDetail[];

  @ApiProperty({
    type: [RecordFinding],
    description:
      "the study's edit checks that capture applies (every rule type but required_visits and outlier), over this batch alone: a hard finding makes the record invalid, soft ones leave it valid",
  })
  findings!: RecordFinding[];
}

export class ValidateVitalsResponse {
  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  total!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  passed!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  failed!: number;

  @ApiProperty({ type: [RecordCheckResult], description: 'one per record, in request order' })
  results!: RecordCheckResult[];
}

export class RepairChange {
  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  index!: number;

  @ApiProperty({ example: 'SystolicBP' })
  field!: string;

  @ApiProperty({ type: 'number', example: 250 })
  old!: number;

  @ApiProperty({ type: 'number', example: 200 })
  new!: number;
}

export class RepairVitalsResponse {
  @ApiProperty({ enum: [true], description: 'always true: repair is for generated (synthetic) data, never for data captured from subjects' })
  synthetic_data_only!: true;

  @ApiProperty({ example: 'Synthetic data only: values were clipped into plausible ranges; never use this on data captured from subjects (correct those with a reason instead).' })
  note!: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  records_received!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'records with at least one change' })
  records_changed!: number;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'the records with the changes applied, in request order' })
  records!: Array<Record<string, unknown>>;

  @ApiProperty({ type: [RepairChange], description: 'every change, in request order' })
  changes!: RepairChange[];
}
