import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import type { DatasetComparison } from '../generators/compare.js';
import type { Preview } from '../generators/preview.js';
import type { GenerationMethod } from '../generators/dataset.js';
import { JobResponse } from '../datasets/dto/job.response.js';
import { CompareDto } from './dto/compare.dto.js';
import { ComparisonResponse } from './dto/comparison.response.js';
import { AdverseEventParametersDto, BootstrapParametersDto, MvnParametersDto, RulesParametersDto } from './dto/generation-parameters.dto.js';
import { PreviewResponse } from './dto/preview.response.js';
import { GenerateService } from './generate.service.js';
import type { GenerationParametersDto } from './dto/generation-parameters.dto.js';

const INVALID = 'Invalid parameters (each problem named by its field), a preview larger than 2,500 subjects or 10,000 records, or a source that cannot be used';
const STORED = 'With "store": true: the dataset is stored in the study by a background job; follow it at Location (GET /generation/jobs/{id})';
const FORBIDDEN = 'Signed in without one of the roles this route needs; storing needs admin or data_manager, and a user limited to sites stores only at their sites';
const NO_STUDY = 'No such study (protocol_id), or no stored vitals of the source dataset at sites you may see';

@ApiFeature('data generation')
@Controller('generate')
export class GenerateController {
  constructor(private readonly generation: GenerateService) {}

  @Post('rules')
  @Roles(ACCESS.generateData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'generateRules',
    summary: "The design's rules-based generator: per subject a baseline around N(130, 10) mmHg systolic, visits around it, a target treatment effect (Active − Placebo) at a visit; the study's schedule, arms and subject id format",
  })
  @ApiBody({ type: RulesParametersDto, examples: { design: { value: { n_per_arm: 100, target_effect: -5, seed: 42 } } } })
  @ApiOkResponse({ type: PreviewResponse })
  @ApiError(HttpStatus.BAD_REQUEST, INVALID)
  @ApiAcceptedResponse({ type: JobResponse, description: STORED })
  @ApiError(HttpStatus.FORBIDDEN, FORBIDDEN)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  rules(
    @Body() body: RulesParametersDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Preview | JobResponse> {
    return this.answer('rules', body, user, actor, response);
  }

  @Post('mvn')
  @Roles(ACCESS.generateData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'generateMvn',
    summary: "A multivariate normal fitted per visit and arm to a study's stored vitals, a stored dataset or supplied records (the design's means and SDs where a block has fewer than 8 rows), then sampled",
  })
  @ApiOkResponse({ type: PreviewResponse })
  @ApiError(HttpStatus.BAD_REQUEST, INVALID)
  @ApiAcceptedResponse({ type: JobResponse, description: STORED })
  @ApiError(HttpStatus.FORBIDDEN, FORBIDDEN)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  mvn(
    @Body() body: MvnParametersDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Preview | JobResponse> {
    return this.answer('mvn', body, user, actor, response);
  }

  @Post('bootstrap')
  @Roles(ACCESS.generateData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'generateBootstrap',
    summary: "Existing subjects' whole trajectories resampled within their arm, with jitter (default 5% of each variable's SD) and new subject ids",
  })
  @ApiOkResponse({ type: PreviewResponse })
  @ApiError(HttpStatus.BAD_REQUEST, `${INVALID} (e.g. an arm without source subjects)`)
  @ApiAcceptedResponse({ type: JobResponse, description: STORED })
  @ApiError(HttpStatus.FORBIDDEN, FORBIDDEN)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  bootstrap(
    @Body() body: BootstrapParametersDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Preview | JobResponse> {
    return this.answer('bootstrap', body, user, actor, response);
  }

  @Post('ae')
  @Roles(ACCESS.generateData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'generateAdverseEvents',
    summary: 'Adverse events (term, body system, grade, serious, relationship, outcome, action taken) for generated subjects, with rates per arm; no vitals records',
  })
  @ApiOkResponse({ type: PreviewResponse })
  @ApiError(HttpStatus.BAD_REQUEST, INVALID)
  @ApiAcceptedResponse({ type: JobResponse, description: STORED })
  @ApiError(HttpStatus.FORBIDDEN, FORBIDDEN)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  adverseEvents(
    @Body() body: AdverseEventParametersDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Preview | JobResponse> {
    return this.answer('ae', body, user, actor, response);
  }

  private async answer(method: GenerationMethod, body: GenerationParametersDto, user: AuthenticatedUser, actor: AuditActor, response: Response): Promise<Preview | JobResponse> {
    const answer = await this.generation.generate(method, body, user, actor);
    if (!answer.stored) return answer.preview;
    response.status(HttpStatus.ACCEPTED).location(`/generation/jobs/${answer.job.id}`);
    return answer.job;
  }

  @Post('compare')
  @Roles(ACCESS.generateData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'compareDatasets',
    summary: 'How close a generated dataset is to its source: per variable (overall, per visit, per arm and visit) n, mean, SD, their differences and the Kolmogorov–Smirnov distance; correlation matrices and their differences',
  })
  @ApiOkResponse({ type: ComparisonResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'Invalid body: each side names exactly one of protocol_id, dataset_id or records')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  @ApiError(HttpStatus.NOT_FOUND, 'No stored vitals of a dataset named, at sites you may see')
  compare(@Body() body: CompareDto, @CurrentUser() user: AuthenticatedUser): Promise<DatasetComparison> {
    return this.generation.compare(body, user);
  }
}
