import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { READ_UNAVAILABLE, SUBJECT_ID_PARAM } from '../patients/dto/patient.response.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { toAdverseEventFields } from './adverse-event-fields.js';
import { AdverseEventsService } from './adverse-events.service.js';
import { AdverseEventResponse, SubjectAdverseEventsResponse } from './dto/adverse-event.response.js';
import { CreateAdverseEventDto } from './dto/create-adverse-event.dto.js';

const HEADACHE_EXAMPLE: CreateAdverseEventDto = {
  term: 'Headache',
  body_system: 'Nervous system disorders',
  onset_date: '2026-03-02',
  end_date: '2026-03-04',
  severity_grade: 1,
  serious: false,
  relationship: 'possibly_related',
  outcome: 'recovered',
  action_taken: 'none',
};

@ApiFeature('adverse events')
@Controller()
export class AdverseEventsController {
  constructor(private readonly adverseEvents: AdverseEventsService) {}

  @Post('patients/:subjectId/adverse-events')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'createAdverseEvent', summary: 'Record an adverse event of a subject' })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiBody({ type: CreateAdverseEventDto, examples: { headache: { summary: 'a mild headache, resolved', value: HEADACHE_EXAMPLE } } })
  @ApiCreatedResponse({ type: AdverseEventResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'A field is missing, unknown, of the wrong type or outside its vocabulary, or the fields contradict each other (end before onset, grade 5 without a fatal outcome, a fatal event not serious, a date in the future); nothing stored')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, 'The subject is locked (the answer names who locked it and when), or its number exists in several protocols: add ?protocolId=')
  create(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: CreateAdverseEventDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<AdverseEventResponse> {
    return this.adverseEvents.create(subjectId, query.protocolId, toAdverseEventFields(body), user, actor);
  }

  @Get('patients/:subjectId/adverse-events')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'listSubjectAdverseEvents', summary: "A subject's adverse events by onset date, without those entered in error (never stale after a write)" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: SubjectAdverseEventsResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, 'The subject number exists in several protocols: add ?protocolId=')
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  list(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectAdverseEventsResponse> {
    return this.adverseEvents.list(subjectId, query.protocolId, user, actor);
  }

  @Get('adverse-events/:adverseEventId')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getAdverseEvent', summary: 'One adverse event, also one entered in error (then `entered_in_error` is true, with the reason)' })
  @ApiParam({ name: 'adverseEventId', format: 'uuid', description: 'the `id` of the event' })
  @ApiOkResponse({ type: AdverseEventResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'adverseEventId is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, 'No such adverse event of a subject at a site you may see')
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  get(
    @Param('adverseEventId', new ParseUUIDPipe()) adverseEventId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<AdverseEventResponse> {
    return this.adverseEvents.get(adverseEventId, user, actor);
  }
}
