import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';

export class ListPatientsQuery {
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `siteId ${CLINICAL_CODE_HINT}` })
  siteId?: string;

  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `protocolId ${CLINICAL_CODE_HINT}` })
  protocolId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  treatmentArm?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;
}

export class SubjectQuery {
  /** Needed only when the same subject number exists in several protocols. */
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `protocolId ${CLINICAL_CODE_HINT}` })
  protocolId?: string;
}
