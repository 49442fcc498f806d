import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { READ_UNAVAILABLE, SUBJECT_ID_PARAM } from '../patients/dto/patient.response.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { CaptureVitalDto } from './dto/capture-vital.dto.js';
import { CapturedVitalResponse } from './dto/captured-vital.response.js';
import { StoreVitalsDto } from './dto/store-vitals.dto.js';
import { StoreVitalsResponse } from './dto/store-vitals.response.js';
import { SubjectVitalsResponse } from './dto/subject-vitals.response.js';
import { SubjectVitalsService } from './subject-vitals.service.js';
import { VitalsService } from './vitals.service.js';

/** The README's first store: it works as it stands on a fresh install (the admin sees every site). */
const FIRST_STORE_EXAMPLE = {
  records: [{ SubjectID: 'RA001-001', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 }],
};

const ONE_RECORD_EXAMPLE = { visit_name: 'Screening', visit_date: '2026-03-01', systolic_bp: 125, diastolic_bp: 80, heart_rate: 72, temperature: 36.8 };

@ApiFeature('vitals')
@Controller()
export class VitalsController {
  constructor(
    private readonly vitals: VitalsService,
    private readonly subjectVitals: SubjectVitalsService,
  ) {}

  @Post('store-vitals')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'storeVitals', summary: 'Store a batch of vital-sign records (all or none; a repeated record is stored once)' })
  @ApiBody({ type: StoreVitalsDto, examples: { 'first store': { summary: 'one record of subject RA001-001', value: FIRST_STORE_EXAMPLE } } })
  @ApiCreatedResponse({ type: StoreVitalsResponse, description: 'stored (or already stored: `records_already_stored`)' })
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs, or a record names a subject or site outside your sites (nothing stored)')
  @ApiError(HttpStatus.CONFLICT, 'A record repeats a stored one with different values, or gives a subject another treatment arm (nothing stored)')
  store(@Body() body: StoreVitalsDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<StoreVitalsResponse> {
    return this.vitals.store(body, user, actor);
  }

  @Post('patients/:subjectId/vitals')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    operationId: 'captureSubjectVital',
    summary: "Capture one vital-sign record of a subject (the subject's protocol, site and arm; a repeated record is stored once)",
  })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiBody({ type: CaptureVitalDto, examples: { screening: { summary: 'a Screening record', value: ONE_RECORD_EXAMPLE } } })
  @ApiCreatedResponse({ type: CapturedVitalResponse, description: 'stored (or already stored with the same values: `already_stored`)' })
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, 'The record repeats a stored one with different values, the visit or subject is locked, the study is closed, or the subject number exists in several protocols (add ?protocolId=)')
  capture(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @Body() body: CaptureVitalDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<CapturedVitalResponse> {
    return this.vitals.capture(subjectId, query.protocolId, body, user, actor);
  }

  @Get('patients/:subjectId/vitals')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getSubjectVitals', summary: "A subject's vital signs in visit order (never stale after a store)" })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: SubjectVitalsResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, 'The subject number exists in several protocols: add ?protocolId=')
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  read(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectVitalsResponse> {
    return this.subjectVitals.read(subjectId, query.protocolId, user, actor);
  }
}
