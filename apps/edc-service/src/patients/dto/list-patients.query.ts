import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from '../../clinical-codes.js';

export class ListPatientsQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `siteId ${CLINICAL_CODE_HINT}` })
  siteId?: string;

  @ApiPropertyOptional({ description: 'needed only when the subject number exists in several protocols' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `protocolId ${CLINICAL_CODE_HINT}` })
  protocolId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 64)
  treatmentArm?: string;
}

export class SubjectQuery {
  /** Needed only when the same subject number exists in several protocols. */
  @ApiPropertyOptional({ description: 'needed only when the subject number exists in several protocols' })
  @IsOptional()
  @Matches(CLINICAL_CODE, { message: `protocolId ${CLINICAL_CODE_HINT}` })
  protocolId?: string;
}
