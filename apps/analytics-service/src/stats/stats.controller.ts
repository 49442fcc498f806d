import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature, deadlineSignal, RouteDeadline } from '../../../../libs/platform/src/index.js';
import { AnalysisScopes } from '../scope/analysis-scopes.js';
import { ScopeQuery } from '../scope/scope.dto.js';
import { ComparisonsQuery, MAX_WEEK12_RECORDS, Week12Dto } from './dto/stats-requests.dto.js';
import { ComparisonsResponse, DescriptiveResponse, Week12Response } from './dto/stats-responses.js';
import { STATS_DEADLINE_MS } from './stats.repository.js';
import { StatsService } from './stats.service.js';
import { Week12Service } from './week12.service.js';

const NO_SCOPE = "No such study, or no such site in it (or, for a site-limited user, a site not theirs)";
const BAD_SCOPE = 'study or site is not a code, or dataset_id not a UUID';
const TOO_SLOW = `The statistics did not finish within their deadline (${STATS_DEADLINE_MS / 1000} s, not REQUEST_TIMEOUT_MS) and were stopped, or the database is unavailable`;

@ApiFeature('analytics')
@Controller('stats')
export class StatsController {
  constructor(
    private readonly stats: StatsService,
    private readonly week12Tests: Week12Service,
    private readonly scopes: AnalysisScopes,
  ) {}

  @Get('descriptive')
  @Roles(ACCESS.readStatistics)
  @RouteDeadline(STATS_DEADLINE_MS, { abortsWork: true })
  @ApiOperation({
    operationId: 'describeVitals',
    summary:
      'Descriptive tables of each vital sign by arm and visit (n, mean, SD, median, Q1, Q3, min, max), and of change from baseline ' +
      "at each post-baseline visit, computed in the database over the stored data (a site-limited user's sites only); cached until the data change",
  })
  @ApiOkResponse({ type: DescriptiveResponse })
  @ApiError(HttpStatus.BAD_REQUEST, BAD_SCOPE)
  @ApiError(HttpStatus.NOT_FOUND, NO_SCOPE)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, TOO_SLOW, { retryAfter: true })
  async descriptive(@Query() query: ScopeQuery, @CurrentUser() user: AuthenticatedUser, @Req() request: Request): Promise<DescriptiveResponse> {
    return this.stats.descriptive(await this.scopes.resolve(query, user), undefined, deadlineSignal(request));
  }

  @Get('comparisons')
  @Roles(ACCESS.readStatistics)
  @RouteDeadline(STATS_DEADLINE_MS, { abortsWork: true })
  @ApiOperation({
    operationId: 'compareArms',
    summary:
      'Between-arm comparisons at each post-baseline visit: Welch t tests of the values and of change from baseline (each arm against the reference arm), ' +
      'and ANCOVA of change from baseline with arm and baseline value; cached until the data change',
  })
  @ApiOkResponse({ type: ComparisonsResponse })
  @ApiError(HttpStatus.BAD_REQUEST, `${BAD_SCOPE}, or vital is not one of the four analysed`)
  @ApiError(HttpStatus.NOT_FOUND, NO_SCOPE)
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, TOO_SLOW, { retryAfter: true })
  async comparisons(@Query() query: ComparisonsQuery, @CurrentUser() user: AuthenticatedUser, @Req() request: Request): Promise<ComparisonsResponse> {
    const { vital, ...scopeQuery } = query;
    return this.stats.comparisons(await this.scopes.resolve(scopeQuery, user), vital === undefined ? undefined : [vital], undefined, deadlineSignal(request));
  }

  @Post('week12')
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.readStatistics)
  @ApiOperation({
    operationId: 'testWeek12',
    summary:
      "Welch's t test of Week 12 systolic BP, Active vs Placebo (visit and arms can be chosen): n, mean, SD per arm, difference, SE, 95% CI, two-sided p_value; " +
      "over records sent in store-vitals' field names (nothing stored is read), or over the stored data of a study, site or dataset (cached)",
  })
  @ApiOkResponse({ type: Week12Response })
  @ApiError(
    HttpStatus.BAD_REQUEST,
    `Records and a study, site or dataset_id both given; records empty, more than ${MAX_WEEK12_RECORDS.toLocaleString('en')}, or a record with a wrong type or an unknown field; ` +
      'visit or arms not valid; an unknown field in the body',
  )
  @ApiError(HttpStatus.NOT_FOUND, NO_SCOPE)
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'An arm has fewer than 2 systolic BP values at the visit (the message says which, and how many)')
  week12(@Body() body: Week12Dto, @CurrentUser() user: AuthenticatedUser): Promise<Week12Response> {
    return this.week12Tests.test(body, user);
  }
}
