import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNumber, IsString, IsUUID, Matches, Max, Min, ValidateNested } from 'class-validator';
import { NotNullWhenGiven } from '../../../../../libs/platform/src/index.js';
import { PROTOCOL_ID, PROTOCOL_ID_RULE } from './parameter-validators.js';

export const MAX_SOURCE_RECORDS = 10_000;
const LABEL = /^(?=[\s\S]*\S)[\s\S]{1,64}$/u;
const label = (field: string) => ({ message: `${field} must be 1 to 64 characters and not blank` });

/**
 * A record to learn from, in the field names of `POST /edc/store-vitals` (a preview's records can
 * be given back as they are). Only the fields generation uses are checked; the others are allowed.
 */
export class SourceRecordDto {
  @ApiProperty({ example: 'RA001-001' }) @IsString() @Matches(LABEL, label('SubjectID'))
  SubjectID!: string;

  @ApiProperty({ example: 'Week 12' }) @IsString() @Matches(LABEL, label('VisitName'))
  VisitName!: string;

  @ApiProperty({ example: 'Active' }) @IsString() @Matches(LABEL, label('TreatmentArm'))
  TreatmentArm!: string;

  @ApiProperty({ type: 'integer', example: 128 }) @IsInt() @Min(50) @Max(300)
  SystolicBP!: number;

  @ApiProperty({ type: 'integer', example: 82 }) @IsInt() @Min(20) @Max(200)
  DiastolicBP!: number;

  @ApiProperty({ type: 'integer', example: 72 }) @IsInt() @Min(20) @Max(250)
  HeartRate!: number;

  @ApiProperty({ example: 36.8 }) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(30) @Max(45)
  Temperature!: number;

  @ApiPropertyOptional({ type: 'integer' }) @NotNullWhenGiven() @IsInt() @Min(4) @Max(60)
  RespiratoryRate?: number;

  @ApiPropertyOptional() @NotNullWhenGiven() @IsString()
  SiteID?: string;

  @ApiPropertyOptional() @NotNullWhenGiven() @IsString()
  ProtocolID?: string;

  @ApiPropertyOptional({ format: 'date' }) @NotNullWhenGiven() @IsString()
  VisitDate?: string;

  @ApiPropertyOptional({ format: 'date-time' }) @NotNullWhenGiven() @IsString()
  MeasurementTime?: string;
}

/** Exactly one of: a stored study, a stored generated dataset, or records given here. */
export class SourceDto {
  @ApiPropertyOptional({ example: 'DEFAULT', description: "a study's stored vitals (records entered in error left out; a user limited to sites learns from those sites only)" })
  @NotNullWhenGiven() @IsString() @Matches(PROTOCOL_ID, { message: `source.protocol_id ${PROTOCOL_ID_RULE}` })
  protocol_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the stored vitals of a generated dataset' })
  @NotNullWhenGiven() @IsUUID('all', { message: 'source.dataset_id must be a dataset id (a UUID)' })
  dataset_id?: string;

  @ApiPropertyOptional({ type: [SourceRecordDto], maxItems: MAX_SOURCE_RECORDS })
  @NotNullWhenGiven()
  @IsArray()
  @ArrayMinSize(1, { message: 'source.records must hold at least 1 record' })
  @ArrayMaxSize(MAX_SOURCE_RECORDS, { message: `source.records must hold at most ${MAX_SOURCE_RECORDS} records; store them and name the study instead` })
  @ValidateNested({ each: true })
  @Type(() => SourceRecordDto)
  records?: SourceRecordDto[];
}
