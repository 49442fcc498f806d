import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { STUDY_STATUSES, type StudyStatus } from '../study-design.js';

export class ListStudiesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STUDY_STATUSES })
  @IsOptional()
  @IsIn(STUDY_STATUSES, { message: `status must be one of ${STUDY_STATUSES.join(', ')}` })
  status?: StudyStatus;
}
