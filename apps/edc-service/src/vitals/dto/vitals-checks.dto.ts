import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject } from 'class-validator';
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

export class RecordCheckResult {
  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'position in records' })
  index!: number;

  @ApiProperty({ example: false })
  valid!: boolean;

  @ApiProperty({ type: [ApiErrorDetail], example: [{ field: 'SystolicBP', problems: ['must not be greater than 300'] }] })
  problems!: ApiErrorDetail[];
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
