import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import type { Request } from 'express';
import { ApiError, ApiFeature, deadlineSignal, RouteDeadline } from '../../../../libs/platform/src/index.js';
import { ChecksService, MAX_QUERIES_PER_RUN, RUN_DEADLINE_MS } from './checks.service.js';
import { RunFindingPage, RunPage, RunResponse, TryRuleResponse, ValidateBatchResponse } from './dto/check-responses.js';
import { FindingsQuery, RunChecksDto, RunsQuery, TryRuleDto, ValidateBatchDto } from './dto/check-requests.dto.js';
import { RunsService } from './runs.service.js';

const RUN_ID = { name: 'id', format: 'uuid', description: "the run's id" } as const;
const NO_RUN = 'No run with that id (or, for a site-limited user, a run that read a site not theirs, or every site)';

@ApiFeature('quality')
@Controller('checks')
export class ChecksController {
  constructor(
    private readonly checks: ChecksService,
    private readonly runs: RunsService,
  ) {}

  @Post('validate')
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({
    operationId: 'validateBatch',
    summary:
      "Checks a batch of vitals (store-vitals' field names) with each record's study's rules; nothing is stored. " +
      'A record with a wrong type or an unknown field is listed in invalid_records and not checked',
  })
  @ApiOkResponse({ type: ValidateBatchResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'records is not a list of 1 to 10,000, study is not a code, the records name more than 10 studies, or (site-limited) a record names no SiteID')
  @ApiError(HttpStatus.FORBIDDEN, 'A site-limited user sent records of other sites')
  validate(@Body() body: ValidateBatchDto, @CurrentUser() user: AuthenticatedUser): Promise<ValidateBatchResponse> {
    return this.checks.validate(body, user);
  }

  @Post('try')
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.readQualityRules)
  @ApiOperation({
    operationId: 'tryRule',
    summary:
      "Runs a rule that is not saved on a batch of records, or without records on the study's stored vitals (a site-limited user's sites only); " +
      'answers at most the first 1,000 findings with the total',
  })
  @ApiOkResponse({ type: TryRuleResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The rule is not valid (the message and details say what is wrong), or the records are refused as by validate')
  @ApiError(HttpStatus.FORBIDDEN, 'A site-limited user sent records of other sites')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study (stored data)')
  tryRule(@Body() body: TryRuleDto, @CurrentUser() user: AuthenticatedUser): Promise<TryRuleResponse> {
    return this.checks.tryRule(body, user);
  }

  @Post('run')
  @Roles(ACCESS.manageQualityRules)
  @RouteDeadline(RUN_DEADLINE_MS, { abortsWork: true })
  @ApiOperation({
    operationId: 'runChecks',
    summary:
      "Checks a study's stored vitals (or one site, subject or generated dataset of it) with the study's rules, in the database; " +
      'stores the run and its findings and opens a query per data point that has none yet (in any status), all in one transaction. ' +
      `One run of a study at a time; a run has ${RUN_DEADLINE_MS / 1000} s (not REQUEST_TIMEOUT_MS), past which it is stopped and rolled back`,
  })
  @ApiCreatedResponse({ type: RunResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'study, site or subject is not a code, or dataset_id not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study, or no such subject in it (or, for a site-limited user, a site or subject not theirs)')
  @ApiError(HttpStatus.CONFLICT, 'A run of the study is in progress (try again when it has finished), or queries on the same data points were opened meanwhile (run again)')
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, `The run would open more than ${MAX_QUERIES_PER_RUN.toLocaleString('en')} queries; nothing was stored (try the rules, or narrow the run)`)
  @ApiError(
    HttpStatus.SERVICE_UNAVAILABLE,
    `The run did not finish within its deadline (${RUN_DEADLINE_MS / 1000} s) and was rolled back, or the database is unavailable; nothing was stored`,
    { retryAfter: true },
  )
  run(@Body() body: RunChecksDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor, @Req() request: Request): Promise<RunResponse> {
    return this.checks.run(body, user, actor, deadlineSignal(request));
  }

  @Get('runs')
  @Roles(ACCESS.readQueries)
  @ApiOperation({ operationId: 'listRuns', summary: 'Runs of the checks, newest first (a site-limited user: only runs that read none but their sites)' })
  @ApiOkResponse({ type: RunPage })
  listRuns(@Query() query: RunsQuery, @CurrentUser() user: AuthenticatedUser): Promise<RunPage> {
    return this.runs.list(query, user);
  }

  @Get('runs/:id')
  @Roles(ACCESS.readQueries)
  @ApiOperation({ operationId: 'getRun', summary: 'A run: who, when, scope, rules version, rows and subjects checked, counts by severity and rule, queries opened' })
  @ApiParam(RUN_ID)
  @ApiOkResponse({ type: RunResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, NO_RUN)
  getRun(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthenticatedUser): Promise<RunResponse> {
    return this.runs.get(id, user);
  }

  @Get('runs/:id/findings')
  @Roles(ACCESS.readQueries)
  @ApiOperation({ operationId: 'listRunFindings', summary: "A run's findings, paged, by rule and severity (a site-limited user: their sites' findings)" })
  @ApiParam(RUN_ID)
  @ApiOkResponse({ type: RunFindingPage })
  @ApiError(HttpStatus.BAD_REQUEST, 'The id is not a UUID, or rule/severity/limit/offset is not valid')
  @ApiError(HttpStatus.NOT_FOUND, NO_RUN)
  runFindings(@Param('id', ParseUUIDPipe) id: string, @Query() query: FindingsQuery, @CurrentUser() user: AuthenticatedUser): Promise<RunFindingPage> {
    return this.runs.findings(id, query, user);
  }
}
