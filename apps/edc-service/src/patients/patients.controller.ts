import { Controller, Get, Param, Query } from '@nestjs/common';
import type { Page } from '../../../../libs/platform/src/index.js';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { SubjectIdPipe } from './subject-id.pipe.js';
import { ListPatientsQuery, SubjectQuery } from './dto/list-patients.query.js';
import type { PatientResponse } from './dto/patient.response.js';
import { PatientsService } from './patients.service.js';

@Roles(ACCESS.readClinicalData)
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Get()
  list(@Query() query: ListPatientsQuery, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<Page<PatientResponse>> {
    return this.patients.list(query, user, actor);
  }

  @Get(':subjectId')
  get(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<PatientResponse> {
    return this.patients.get(subjectId, query.protocolId, user, actor);
  }
}
