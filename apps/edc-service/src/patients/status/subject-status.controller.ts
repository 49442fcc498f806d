import { Body, Controller, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../dto/list-patients.query.js';
import { PatientResponse, SUBJECT_ID_PARAM } from '../dto/patient.response.js';
import { SubjectIdPipe } from '../subject-id.pipe.js';
import { ChangeStatusDto, CorrectSubjectDto } from './subject-status.dto.js';
import { SubjectStatusService } from './subject-status.service.js';

const LOCKED = 'the subject is locked (naming who locked it and when)';

@ApiFeature('patients')
@Roles(ACCESS.manageSubjects)
@Controller('patients')
export class SubjectStatusController {
  constructor(private readonly subjects: SubjectStatusService) {}

  @Post(':subjectId/status')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'changeSubjectStatus',
    summary: 'Move a subject on: screened → enrolled | screen_failed; enrolled → withdrawn; randomized → completed | withdrawn (with date and reason)',
  })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiBody({ type: ChangeStatusDto, examples: { withdrawal: { summary: 'a withdrawal today', value: { status: 'withdrawn', reason: 'withdrew consent' } } } })
  @ApiOkResponse({ type: PatientResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, `The status does not follow from the current one (the answer names both and the allowed next ones), enrolment in a study that is not enrolling, ${LOCKED}, or the subject number exists in several protocols: add ?protocolId=`)
  changeStatus(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: ChangeStatusDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<PatientResponse> {
    return this.subjects.changeStatus(subjectId, query.protocolId, body, user, actor);
  }

  @Patch(':subjectId')
  @ApiOperation({ operationId: 'correctSubject', summary: 'Correct demographics or the consent date, with a reason (audited with old and new values)' })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiBody({ type: CorrectSubjectDto, examples: { correction: { summary: 'a transcription error', value: { demographics: { weight_kg: 74.2 }, reason: 'transcription error' } } } })
  @ApiOkResponse({ type: PatientResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, `${LOCKED[0].toUpperCase()}${LOCKED.slice(1)}, or the subject number exists in several protocols: add ?protocolId=`)
  correct(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: CorrectSubjectDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<PatientResponse> {
    return this.subjects.correct(subjectId, query.protocolId, body, user, actor);
  }
}
