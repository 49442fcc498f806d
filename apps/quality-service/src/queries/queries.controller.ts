import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { ListQueriesQuery, QuerySummaryQuery } from './dto/list-queries.query.js';
import { AnswerQueryDto, AssignQueryDto, CancelQueryDto, CloseQueryDto, CommentQueryDto, ReopenQueryDto } from './dto/move.dto.js';
import { OpenQueryDto } from './dto/open-query.dto.js';
import { QueryDetailResponse, QueryPage } from './dto/query.response.js';
import { QuerySummaryResponse } from './dto/query-summary.response.js';
import { QueriesService } from './queries.service.js';
import { OPEN_QUERY_ROLES, rolesFor } from './query-lifecycle.js';

const QUERY_ID = { name: 'id', format: 'uuid', description: "the query's id" } as const;
const NOT_FOUND = 'No query with that id at a site you may see (another site\'s query answers as a missing one)';
const BAD_ID = 'The id is not a UUID, or the body is refused (unknown fields, wrong types, a text that is blank, longer than 4,000 characters or holds NUL)';
const NOT_ALLOWED_NOW = 'The query\'s status does not allow this move: the answer names the current status and the moves allowed from it; nothing was changed';

@ApiFeature('quality')
@Controller('queries')
export class QueriesController {
  constructor(private readonly queries: QueriesService) {}

  @Get()
  @Roles(ACCESS.readQueries)
  @ApiOperation({ operationId: 'listQueries', summary: 'Data queries, newest first, filtered by study, site, subject, status, severity, rule, assignee and age; site-limited users see their sites\' only' })
  @ApiOkResponse({ type: QueryPage })
  @ApiError(HttpStatus.BAD_REQUEST, 'A filter is refused (an unknown status or severity, an assignee that is neither a UUID nor me, min_age_days above max_age_days, an unknown parameter)')
  list(@Query() query: ListQueriesQuery, @CurrentUser() user: AuthenticatedUser): Promise<QueryPage> {
    return this.queries.list(query, user);
  }

  @Get('summary')
  @Roles(ACCESS.readQueries)
  @ApiOperation({ operationId: 'summarizeQueries', summary: 'A study\'s queries by site and status, and their ageing (0–7, 8–14, 15–30, >30 days; median and max age; median days to close)' })
  @ApiOkResponse({ type: QuerySummaryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'study is missing or not a study code')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study')
  summary(@Query() query: QuerySummaryQuery, @CurrentUser() user: AuthenticatedUser): Promise<QuerySummaryResponse> {
    return this.queries.summary(query, user);
  }

  @Get(':id')
  @Roles(ACCESS.readQueries)
  @ApiOperation({ operationId: 'getQuery', summary: 'A query with its thread of messages (who, when, kind, text, status after), oldest first' })
  @ApiParam(QUERY_ID)
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<QueryDetailResponse> {
    return this.queries.get(id, user);
  }

  @Post()
  @Roles(OPEN_QUERY_ROLES)
  @ApiOperation({ operationId: 'openQuery', summary: 'Open a query by hand on a subject\'s data point (origin manual); audited' })
  @ApiBody({
    type: OpenQueryDto,
    examples: {
      vital: {
        summary: 'a value of a vital sign',
        value: { study: 'RA001', subject: 'RA001-001', vital_sign_id: '5b0c8a52-3d43-4c53-9e0f-8d1e2f3a4b5c', field: 'SystolicBP', value: '250', severity: 'major', message: 'Systolic 250 mmHg: please confirm against the source document' },
      },
    },
  })
  @ApiCreatedResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The body is refused: details name each field (also a visit that is not the vital sign\'s)')
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject in that study at a site you may see, or no such vital sign of that subject')
  @ApiError(HttpStatus.CONFLICT, 'An identical open or answered query exists on this data point: the answer names it')
  open(@Body() body: OpenQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.open(body, user, actor);
  }

  @Post(':id/answer')
  @HttpCode(HttpStatus.OK)
  @Roles(rolesFor('answer'))
  @ApiOperation({ operationId: 'answerQuery', summary: 'The site\'s answer: open → answered; audited' })
  @ApiParam(QUERY_ID)
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, BAD_ID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, NOT_ALLOWED_NOW)
  answer(@Param('id', ParseUUIDPipe) id: string, @Body() body: AnswerQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.move(id, 'answer', body.text, user, actor);
  }

  @Post(':id/comment')
  @HttpCode(HttpStatus.OK)
  @Roles(rolesFor('comment'))
  @ApiOperation({ operationId: 'commentOnQuery', summary: 'A comment in the thread of an open or answered query (the status stays); audited' })
  @ApiParam(QUERY_ID)
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, BAD_ID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, NOT_ALLOWED_NOW)
  comment(@Param('id', ParseUUIDPipe) id: string, @Body() body: CommentQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.move(id, 'comment', body.text, user, actor);
  }

  @Post(':id/assign')
  @HttpCode(HttpStatus.OK)
  @Roles(rolesFor('assign'))
  @ApiOperation({
    operationId: 'assignQuery',
    summary: 'Assign an open or answered query to a user who may answer it and/or to its own site (null removes one); audited',
    description:
      'The user is read from the user directory (the username is stored from there): they must be active, hold a role that answers queries ' +
      '(admin, data_manager, investigator) and see the query\'s site. The site must be the query\'s own: a query is answered by its subject\'s site.',
  })
  @ApiParam(QUERY_ID)
  @ApiBody({
    type: AssignQueryDto,
    examples: {
      user_and_site: { summary: 'a user and the query\'s site', value: { user_id: '9a7c0d4e-1b2f-4c3d-8e5f-6a7b8c9d0e1f', site_id: 'S01' } },
      remove_user: { summary: 'remove the user assignment, keep the site', value: { user_id: null } },
    },
  })
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(
    HttpStatus.BAD_REQUEST,
    `${BAD_ID}; neither user_id nor site_id; a user who is deactivated, holds no role that answers queries or does not see the query's site (details name each); a site that is not the query's; or an assignment that changes nothing`,
  )
  @ApiError(HttpStatus.NOT_FOUND, `${NOT_FOUND}; or no user with that user_id in the user directory`)
  @ApiError(HttpStatus.CONFLICT, NOT_ALLOWED_NOW)
  assign(@Param('id', ParseUUIDPipe) id: string, @Body() body: AssignQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.assign(id, body, user, actor);
  }

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  @Roles(rolesFor('close'))
  @ApiOperation({ operationId: 'closeQuery', summary: 'Close an answered query: answered → closed; audited' })
  @ApiParam(QUERY_ID)
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, BAD_ID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, NOT_ALLOWED_NOW)
  close(@Param('id', ParseUUIDPipe) id: string, @Body() body: CloseQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.move(id, 'close', body.text, user, actor);
  }

  @Post(':id/reopen')
  @HttpCode(HttpStatus.OK)
  @Roles(rolesFor('reopen'))
  @ApiOperation({ operationId: 'reopenQuery', summary: 'Re-open an answered or closed query: open again, reopened_count + 1; audited' })
  @ApiParam(QUERY_ID)
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, BAD_ID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, `${NOT_ALLOWED_NOW}; or an identical query on the same data point is open or answered (the answer names it): only one may be`)
  reopen(@Param('id', ParseUUIDPipe) id: string, @Body() body: ReopenQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.move(id, 'reopen', body.text, user, actor);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @Roles(rolesFor('cancel'))
  @ApiOperation({ operationId: 'cancelQuery', summary: 'Cancel (withdraw) an open or answered query, with a reason: final; audited' })
  @ApiParam(QUERY_ID)
  @ApiOkResponse({ type: QueryDetailResponse })
  @ApiError(HttpStatus.BAD_REQUEST, BAD_ID)
  @ApiError(HttpStatus.NOT_FOUND, NOT_FOUND)
  @ApiError(HttpStatus.CONFLICT, NOT_ALLOWED_NOW)
  cancel(@Param('id', ParseUUIDPipe) id: string, @Body() body: CancelQueryDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<QueryDetailResponse> {
    return this.queries.move(id, 'cancel', body.reason, user, actor);
  }
}
