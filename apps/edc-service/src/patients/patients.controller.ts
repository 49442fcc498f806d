import { Controller, Get, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { SubjectIdPipe } from './subject-id.pipe.js';
import { ListPatientsQuery, SubjectQuery } from './dto/list-patients.query.js';
import { PatientPage, PatientResponse, READ_UNAVAILABLE, SUBJECT_ID_PARAM } from './dto/patient.response.js';
import { PatientsService } from './patients.service.js';

@ApiFeature('patients')
@Roles(ACCESS.readClinicalData)
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Get()
  @ApiOperation({ operationId: 'listPatients', summary: 'Subjects at the sites you may see, ordered by protocol and subject number' })
  @ApiOkResponse({ type: PatientPage })
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  list(@Query() query: ListPatientsQuery, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<PatientPage> {
    return this.patients.list(query, user, actor);
  }

  @Get(':subjectId')
  @ApiOperation({ operationId: 'getPatient', summary: 'One subject' })
  @ApiParam(SUBJECT_ID_PARAM)
  @ApiOkResponse({ type: PatientResponse })
  @ApiError(HttpStatus.NOT_FOUND, 'No such subject at a site you may see')
  @ApiError(HttpStatus.CONFLICT, 'The subject number exists in several protocols at sites you may see: add ?protocolId=')
  @ApiError(HttpStatus.SERVICE_UNAVAILABLE, READ_UNAVAILABLE, { retryAfter: true })
  get(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<PatientResponse> {
    return this.patients.get(subjectId, query.protocolId, user, actor);
  }
}
