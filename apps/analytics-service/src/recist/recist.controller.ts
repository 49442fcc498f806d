import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { RecistDto } from './dto/recist.dto.js';
import { RecistResponse } from './dto/recist.response.js';
import { RecistService } from './recist.service.js';

@ApiFeature('analytics')
@Controller('stats/recist')
export class RecistController {
  constructor(private readonly recist: RecistService) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Roles(ACCESS.readStatistics)
  @ApiOperation({
    operationId: 'recistResponseRates',
    summary:
      'Objective response rate (RECIST 1.1: CR + PR) per arm with its Wilson 95% interval, and each arm against the reference (Placebo) by a two-proportion test, ' +
      'on SIMULATED best overall responses from a seeded model (labelled simulated: nothing is captured): one per stored subject of the study by its arm, ' +
      'or subjects_per_arm without stored data. The same seed and input give the same answer',
  })
  @ApiOkResponse({ type: RecistResponse })
  @ApiError(
    HttpStatus.BAD_REQUEST,
    'seed missing or not a whole number; a probability outside 0-1, orr given with cr/pr, probabilities summing above 1, an arm repeated or not of the study; ' +
      'subjects_per_arm out of 1-100,000 or given with a stored scope',
  )
  @ApiError(HttpStatus.NOT_FOUND, 'No such study, or no such site in it (or, for a site-limited user, a site not theirs)')
  @ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'The study has no arms and no subject with an arm: nothing to simulate')
  simulate(@Body() body: RecistDto, @CurrentUser() user: AuthenticatedUser): Promise<RecistResponse> {
    return this.recist.simulate(body, user);
  }
}
