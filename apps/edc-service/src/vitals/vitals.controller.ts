import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { SubjectQuery } from '../patients/dto/list-patients.query.js';
import { SubjectIdPipe } from '../patients/subject-id.pipe.js';
import { StoreVitalsDto } from './dto/store-vitals.dto.js';
import type { StoreVitalsResponse } from './dto/store-vitals.response.js';
import type { SubjectVitalsResponse } from './dto/subject-vitals.response.js';
import { SubjectVitalsService } from './subject-vitals.service.js';
import { VitalsService } from './vitals.service.js';

@Controller()
export class VitalsController {
  constructor(
    private readonly vitals: VitalsService,
    private readonly subjectVitals: SubjectVitalsService,
  ) {}

  @Post('store-vitals')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.CREATED)
  store(@Body() body: StoreVitalsDto, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<StoreVitalsResponse> {
    return this.vitals.store(body, user, actor);
  }

  @Get('patients/:subjectId/vitals')
  @Roles(ACCESS.readClinicalData)
  read(
    @Param('subjectId', SubjectIdPipe) subjectId: string,
    @Query() query: SubjectQuery,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<SubjectVitalsResponse> {
    return this.subjectVitals.read(subjectId, query.protocolId, user, actor);
  }
}
