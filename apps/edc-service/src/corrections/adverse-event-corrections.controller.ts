import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { AdverseEventCorrectionsService } from './adverse-event-corrections.service.js';
import { CorrectAdverseEventDto } from './dto/correct-adverse-event.dto.js';
import { EnteredInErrorDto } from './dto/reason.js';
import { AdverseEventHistoryResponse } from './dto/record-history.response.js';
import { LOCKED, recordIdPipe } from './record-lookup.js';

const ADVERSE_EVENT_ID_PARAM = {
  name: 'adverseEventId',
  format: 'uuid',
  description: 'the `id` of an adverse event, as GET /edc/patients/:subjectId/adverse-events shows it',
};

@ApiFeature('corrections')
@Controller()
export class AdverseEventCorrectionsController {
  constructor(private readonly corrections: AdverseEventCorrectionsService) {}

  @Patch('adverse-events/:adverseEventId')
  @Roles(ACCESS.manageSubjects)
  @ApiOperation({ operationId: 'correctAdverseEvent', summary: 'Correct an adverse event, with a reason; answers the event and its history' })
  @ApiParam(ADVERSE_EVENT_ID_PARAM)
  @ApiBody({ type: CorrectAdverseEventDto, examples: { 'a misread grade': { value: { severity_grade: 2, reason: 'grade misread from the source document' } } } })
  @ApiOkResponse({ type: AdverseEventHistoryResponse })
  @ApiError(
    HttpStatus.BAD_REQUEST,
    'No reason, a value outside its vocabulary or breaking a rule between fields (also against the stored values), an unknown field, an id that is not a UUID, or nothing that would change',
  )
  @ApiError(HttpStatus.NOT_FOUND, 'No such adverse event at a site you may see, or it was entered in error')
  @ApiError(HttpStatus.CONFLICT, LOCKED)
  correct(
    @Param('adverseEventId', recordIdPipe('adverseEventId')) adverseEventId: string,
    @Body() body: CorrectAdverseEventDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<AdverseEventHistoryResponse> {
    return this.corrections.correct(adverseEventId, body, user, actor);
  }

  @Get('adverse-events/:adverseEventId/history')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getAdverseEventHistory', summary: 'Every version of an adverse event from the audit trail: values, who, when, why (events entered in error too)' })
  @ApiParam(ADVERSE_EVENT_ID_PARAM)
  @ApiOkResponse({ type: AdverseEventHistoryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'adverseEventId is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, 'No such adverse event at a site you may see')
  getHistory(
    @Param('adverseEventId', recordIdPipe('adverseEventId')) adverseEventId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<AdverseEventHistoryResponse> {
    return this.corrections.history(adverseEventId, user, actor);
  }

  @Post('adverse-events/:adverseEventId/entered-in-error')
  @Roles(ACCESS.manageSubjects)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'markAdverseEventEnteredInError', summary: 'Mark an adverse event entered in error, with a reason: hidden from reads and analyses, kept in its history' })
  @ApiParam(ADVERSE_EVENT_ID_PARAM)
  @ApiBody({ type: EnteredInErrorDto })
  @ApiOkResponse({ type: AdverseEventHistoryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'No reason, an unknown field, or an id that is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, 'No such adverse event at a site you may see')
  @ApiError(HttpStatus.CONFLICT, `Already entered in error; or: ${LOCKED}`)
  markEnteredInError(
    @Param('adverseEventId', recordIdPipe('adverseEventId')) adverseEventId: string,
    @Body() body: EnteredInErrorDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<AdverseEventHistoryResponse> {
    return this.corrections.markEnteredInError(adverseEventId, body, user, actor);
  }
}
