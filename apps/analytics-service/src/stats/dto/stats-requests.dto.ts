import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CODE, CODE_HINT, ScopeQuery } from '../../scope/scope.dto.js';

/** The vital signs the statistics analyse (respiratory rate is captured but not analysed). */
export const VITALS = ['systolic_bp', 'diastolic_bp', 'heart_rate', 'temperature'] as const;
export type Vital = (typeof VITALS)[number];

/** A batch of records given to the Week 12 test is at most this long (as a checked batch). */
export const MAX_WEEK12_RECORDS = 10_000;

export class ComparisonsQuery extends ScopeQuery {
  @ApiPropertyOptional({ enum: VITALS, description: 'only this vital sign (default: all four)' })
  @IsOptional()
  @IsIn(VITALS, { message: `vital must be one of ${VITALS.join(', ')}` })
  vital?: Vital;
}

export class Week12Dto extends ScopeQuery {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    minItems: 1,
    maxItems: MAX_WEEK12_RECORDS,
    description:
      "records in store-vitals' field names (SubjectID, VisitName, TreatmentArm, SiteID, ProtocolID, VisitDate, MeasurementTime, SystolicBP, DiastolicBP, HeartRate, Temperature, RespiratoryRate); " +
      'nothing is stored or read. Without records, the stored data of the study (site, dataset) is tested',
    example: [
      { SubjectID: 'RA001-001', VisitName: 'Week 12', TreatmentArm: 'Active', SystolicBP: 128 },
      { SubjectID: 'RA001-002', VisitName: 'Week 12', TreatmentArm: 'Placebo', SystolicBP: 137 },
    ],
  })
  @IsOptional()
  @IsArray({ message: 'records must be a list of records' })
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_WEEK12_RECORDS, { message: `records must hold at most ${MAX_WEEK12_RECORDS} records` })
  records?: unknown[];

  @ApiPropertyOptional({ example: 'Week 12', description: "the visit compared (default 'Week 12')" })
  @IsOptional()
  @IsString({ message: 'visit must be a text' })
  @Length(1, 64, { message: 'visit must be 1 to 64 characters' })
  visit?: string;

  @ApiPropertyOptional({
    type: [String],
    minItems: 2,
    maxItems: 2,
    example: ['Active', 'Placebo'],
    description: 'the two arms compared, the reference second: difference = first − second (default Active vs Placebo)',
  })
  @IsOptional()
  @IsArray({ message: 'arms must be a list of two arm codes' })
  @ArrayMinSize(2, { message: 'arms must name exactly 2 arms' })
  @ArrayMaxSize(2, { message: 'arms must name exactly 2 arms' })
  @ArrayUnique({ message: 'arms must name two different arms' })
  @Matches(CODE, { each: true, message: `each arm ${CODE_HINT}` })
  arms?: string[];
}
