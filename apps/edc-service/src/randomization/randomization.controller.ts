import { Controller, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { SUBJECT_ID_PARAM } from '../patients/dto/patient.response.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { RandomizationResponse } from './dto/randomization.response.js';
import { RandomizationService } from './randomization.service.js';

@ApiFeature('patients')
@Controller('patients')
export class RandomizationController {
  constructor(private readonly randomization: RandomizationService) {}

  @Post(':subjectId/randomize')
  @Roles(ACCESS.manageSubjects)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'randomizeSubject',
    summary: "Randomize an enrolled subject: the arm of the next slot of its stratum (site, plus the study's factors), by stratified permuted blocks",
  })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: RandomizationResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(
    HttpStatus.CONFLICT,
    'The subject is not enrolled, is already randomized, or has an arm assigned at capture; the study is not enrolling, has no arms or no usable block size; a stratification factor is missing; the subject is locked; or the subject number exists in several protocols: add ?protocolId=',
  )
  randomize(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<RandomizationResponse> {
    return this.randomization.randomize(subjectId, query.protocolId, user, actor);
  }
}
