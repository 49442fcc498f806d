import { Controller, Get, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { READ_UNAVAILABLE, SUBJECT_ID_PARAM } from '../patients/dto/patient.response.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { CasebookService } from './casebook.service.js';
import { CasebookResponse } from './dto/casebook.response.js';

@ApiFeature('casebook')
@Controller()
export class CasebookController {
  constructor(private readonly casebooks: CasebookService) {}

  @Get('patients/:subjectId/casebook')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({
    operationId: 'getCasebook',
    summary: 'Everything about one subject: study, site, arm, status, demographics, visits with their vitals and windows, adverse events, locks, signatures',
  })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: CasebookResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, 'The subject number exists in several protocols at sites you may see: add ?protocolId=')
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  read(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<CasebookResponse> {
    return this.casebooks.read(subjectId, query.protocolId, user, actor);
  }
}
