import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { AddSiteDto, ChangeSiteDto, ChangeStudyDto, ReplaceArmsDto, ReplaceScheduleDto } from './dto/change-study.dto.js';
import { CreateStudyDto } from './dto/create-study.dto.js';
import { ListStudiesQuery } from './dto/list-studies.query.js';
import { StudyArmsResponse, StudyPage, StudyResponse, StudyScheduleResponse, StudySiteResponse, StudySitesResponse } from './dto/study.response.js';
import { clinicalCodeParam, PROTOCOL_ID_PARAM, SITE_ID_PARAM } from './clinical-code.pipe.js';
import { StudyPartsService } from './study-parts.service.js';
import { StudyReads } from './study-reads.js';
import { StudySetupService } from './study-setup.service.js';

const NO_STUDY = 'No such study';

/** The README's study: it works as it stands on a fresh install (once: the protocol id is then taken). */
const NEW_STUDY_EXAMPLE = {
  protocol_id: 'RA002',
  title: 'Rheumatoid arthritis, phase II',
  baseline_visit: 'Day 1',
  subject_id_format: '{site}-{seq:4}',
  randomization: { block_sizes: [4, 6], stratification_factors: ['site', 'sex'] },
  sites: [{ site_id: 'S01', name: 'Oslo' }, { site_id: 'S02', name: 'Bergen' }],
  arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
  schedule: [
    { visit_name: 'Screening', planned_day: -1, window_before: 13 },
    { visit_name: 'Day 1', planned_day: 1 },
    { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3 },
    { visit_name: 'Week 12', planned_day: 84, window_before: 7, window_after: 7 },
  ],
};
const ALL_SITES_ONLY = "Signed in without one of the roles this route needs, or limited to sites (a study's set-up is changed by users of all sites)";
const PROTOCOL = clinicalCodeParam('protocolId');
const SITE = clinicalCodeParam('siteId');

@ApiFeature('studies')
@Controller('studies')
export class StudiesController {
  constructor(
    private readonly setup: StudySetupService,
    private readonly parts: StudyPartsService,
    private readonly reads: StudyReads,
  ) {}

  @Post()
  @Roles(ACCESS.manageStudies)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'createStudy', summary: 'Set up a study: settings, sites, arms, visit schedule and randomization (the seed is never shown)' })
  @ApiBody({ type: CreateStudyDto, examples: { 'a new study': { summary: 'two sites, two arms 1:1, four visits', value: NEW_STUDY_EXAMPLE } } })
  @ApiCreatedResponse({ type: StudyResponse })
  @ApiError(HttpStatus.FORBIDDEN, ALL_SITES_ONLY)
  @ApiError(HttpStatus.CONFLICT, 'A study with this protocol id exists')
  create(@Body() body: CreateStudyDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<StudyResponse> {
    return this.setup.create(body, user, actor);
  }

  @Get()
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'listStudies', summary: 'Studies, ordered by protocol id' })
  @ApiOkResponse({ type: StudyPage })
  list(@Query() query: ListStudiesQuery, @CurrentUser() user: AuthenticatedUser): Promise<StudyPage> {
    return this.reads.list(query, user);
  }

  @Get(':protocolId')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getStudy', summary: 'One study with its sites, arms and visit schedule' })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudyResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  get(@Param('protocolId', PROTOCOL) protocolId: string, @CurrentUser() user: AuthenticatedUser): Promise<StudyResponse> {
    return this.reads.get(protocolId, user);
  }

  @Patch(':protocolId')
  @Roles(ACCESS.manageStudies)
  @ApiOperation({ operationId: 'changeStudy', summary: 'Change a study: title, status, baseline visit, subject id format, allowances, randomization settings' })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudyResponse })
  @ApiError(HttpStatus.FORBIDDEN, ALL_SITES_ONLY)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  @ApiError(HttpStatus.CONFLICT, 'A status change the study cannot make, or randomization settings changed after the platform randomized a subject')
  change(
    @Param('protocolId', PROTOCOL) protocolId: string,
    @Body() body: ChangeStudyDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<StudyResponse> {
    return this.setup.change(protocolId, body, user, actor);
  }

  @Get(':protocolId/sites')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'listStudySites', summary: "A study's sites (a user limited to sites sees only theirs)" })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudySitesResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  sites(@Param('protocolId', PROTOCOL) protocolId: string, @CurrentUser() user: AuthenticatedUser): Promise<StudySitesResponse> {
    return this.parts.sites(protocolId, user);
  }

  @Post(':protocolId/sites')
  @Roles(ACCESS.manageStudies)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'addStudySite', summary: 'Add a site to a study' })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiCreatedResponse({ type: StudySiteResponse })
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs, or limited to other sites')
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  @ApiError(HttpStatus.CONFLICT, 'The site is already a site of the study')
  addSite(
    @Param('protocolId', PROTOCOL) protocolId: string,
    @Body() body: AddSiteDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<StudySiteResponse> {
    return this.parts.addSite(protocolId, body, user, actor);
  }

  @Patch(':protocolId/sites/:siteId')
  @Roles(ACCESS.manageStudies)
  @ApiOperation({ operationId: 'changeStudySite', summary: "Rename a study's site, or close it (active: false) so it takes no new records" })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiParam(SITE_ID_PARAM)
  @ApiOkResponse({ type: StudySiteResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such study, or no such site in it that you may see')
  changeSite(
    @Param('protocolId', PROTOCOL) protocolId: string,
    @Param('siteId', SITE) siteId: string,
    @Body() body: ChangeSiteDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<StudySiteResponse> {
    return this.parts.changeSite(protocolId, siteId, body, user, actor);
  }

  @Get(':protocolId/arms')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'listStudyArms', summary: "A study's treatment arms with their allocation ratios, in display order" })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudyArmsResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  arms(@Param('protocolId', PROTOCOL) protocolId: string, @CurrentUser() user: AuthenticatedUser): Promise<StudyArmsResponse> {
    return this.parts.arms(protocolId, user);
  }

  @Put(':protocolId/arms')
  @Roles(ACCESS.manageStudies)
  @ApiOperation({ operationId: 'replaceStudyArms', summary: "Replace a study's treatment arms (not once the platform has randomized a subject)" })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudyArmsResponse })
  @ApiError(HttpStatus.FORBIDDEN, ALL_SITES_ONLY)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  @ApiError(HttpStatus.CONFLICT, 'The platform has randomized subjects of the study, or an arm of stored subjects would disappear')
  replaceArms(
    @Param('protocolId', PROTOCOL) protocolId: string,
    @Body() body: ReplaceArmsDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<StudyArmsResponse> {
    return this.parts.replaceArms(protocolId, body, user, actor);
  }

  @Get(':protocolId/schedule')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getStudySchedule', summary: "A study's visit schedule in display order, with planned days and windows" })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudyScheduleResponse })
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  schedule(@Param('protocolId', PROTOCOL) protocolId: string, @CurrentUser() user: AuthenticatedUser): Promise<StudyScheduleResponse> {
    return this.parts.schedule(protocolId, user);
  }

  @Put(':protocolId/schedule')
  @Roles(ACCESS.manageStudies)
  @ApiOperation({ operationId: 'replaceStudySchedule', summary: "Replace a study's visit schedule (visits that stored vitals use must stay)" })
  @ApiParam(PROTOCOL_ID_PARAM)
  @ApiOkResponse({ type: StudyScheduleResponse })
  @ApiError(HttpStatus.FORBIDDEN, ALL_SITES_ONLY)
  @ApiError(HttpStatus.NOT_FOUND, NO_STUDY)
  @ApiError(HttpStatus.CONFLICT, 'A visit that stored vital signs use would disappear')
  replaceSchedule(
    @Param('protocolId', PROTOCOL) protocolId: string,
    @Body() body: ReplaceScheduleDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<StudyScheduleResponse> {
    return this.parts.replaceSchedule(protocolId, body, user, actor);
  }
}
