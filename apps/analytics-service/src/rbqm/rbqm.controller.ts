import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { RbqmSummaryDto } from './dto/rbqm-summary.dto.js';
import { RbqmSummaryResponse } from './dto/rbqm-summary.response.js';
import { RbqmService } from './rbqm.service.js';

@ApiFeature('analytics')
@Controller('rbqm')
export class RbqmController {
  constructor(private readonly rbqm: RbqmService) {}

  @Post('summary')
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.readStatistics)
  @ApiOperation({
    operationId: 'rbqmSummary',
    summary:
      "Risk-based monitoring of a study's stored data (or one site or generated dataset; a site-limited user's sites only): key risk indicators per site " +
      '(query rate per 100 data rows, open queries, out-of-range values, subjects missing visits, arm changes, duplicate visits, serious, serious related and fatal adverse events) ' +
      'and the quality tolerance limits each site is above (defaults: query rate above 6 per 100 rows, more than 3 subjects missing visits, more than 5 serious related events). Never cached',
  })
  @ApiOkResponse({ type: RbqmSummaryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'study or site is not a code, dataset_id is not a UUID, or a limit is not a number in its range (the details name it)')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study, or no such site in it (or, for a site-limited user, a site not theirs)')
  summary(@Body() body: RbqmSummaryDto, @CurrentUser() user: AuthenticatedUser): Promise<RbqmSummaryResponse> {
    return this.rbqm.summary(body, user);
  }
}
