import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';
import { IsLowerThan, IsPastCalendarDate, IsPastTimestamp } from '../validators/vital-sign.validators.js';

export const MAX_RECORDS_PER_REQUEST = 10_000;

/**
 * One vital-signs record as sites send it (the design's field names). Ranges reject values no
 * living patient can have; they are deliberately wide, since edit checks flag the unusual.
 */
export class VitalRecordDto {
  @Matches(CLINICAL_CODE, { message: `SubjectID ${CLINICAL_CODE_HINT}` })
  SubjectID!: string;

  @IsString()
  @Length(1, 64)
  VisitName!: string;

  @IsString()
  @Length(1, 64)
  TreatmentArm!: string;

  @IsInt()
  @Min(50)
  @Max(300)
  SystolicBP!: number;

  @IsInt()
  @Min(20)
  @Max(200)
  @IsLowerThan('SystolicBP')
  DiastolicBP!: number;

  @IsInt()
  @Min(20)
  @Max(250)
  HeartRate!: number;

  @IsNumber(
    { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 },
    { message: 'Temperature must be a number in °C with at most one decimal place' },
  )
  @Min(30)
  @Max(45)
  Temperature!: number;

  @IsOptional()
  @IsInt()
  @Min(4)
  @Max(60)
  RespiratoryRate?: number;

  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `SiteID ${CLINICAL_CODE_HINT}` })
  SiteID?: string;

  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `ProtocolID ${CLINICAL_CODE_HINT}` })
  ProtocolID?: string;

  @IsOptional()
  @IsPastCalendarDate()
  VisitDate?: string;

  @IsOptional()
  @IsPastTimestamp()
  MeasurementTime?: string;
}

export class StoreVitalsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECORDS_PER_REQUEST)
  @ValidateNested({ each: true })
  @Type(() => VitalRecordDto)
  records!: VitalRecordDto[];
}
