import { Controller, Get, Param, Query } from '@nestjs/common';
import { SubjectIdPipe } from './subject-id.pipe.js';
import { ListPatientsQuery, SubjectQuery } from './dto/list-patients.query.js';
import type { Page, PatientResponse } from './dto/patient.response.js';
import { PatientsService } from './patients.service.js';

@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Get()
  list(@Query() query: ListPatientsQuery): Promise<Page<PatientResponse>> {
    return this.patients.list(query);
  }

  @Get(':subjectId')
  get(@Param('subjectId', SubjectIdPipe) subjectId: string, @Query() query: SubjectQuery): Promise<PatientResponse> {
    return this.patients.get(subjectId, query.protocolId);
  }
}
