import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../../libs/platform/src/index.js';
import { PatientResponse } from '../dto/patient.response.js';
import { ProtocolIdPipe } from './protocol-id.pipe.js';
import { EnrolSubjectDto } from './enrol-subject.dto.js';
import { EnrolmentService } from './enrolment.service.js';

const ENROL_EXAMPLE = {
  site_id: 'S01',
  consent_date: '2026-03-02',
  demographics: { sex: 'F', birth_year: 1961, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 168, weight_kg: 72.4 },
  enrol: true,
};

@ApiFeature('patients')
@Controller()
export class EnrolmentController {
  constructor(private readonly enrolment: EnrolmentService) {}

  @Post('studies/:protocolId/subjects')
  @Roles(ACCESS.manageSubjects)
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ operationId: 'enrolSubject', summary: "Enrol a subject at a site of the study: screened, or enrolled at once; numbered from the study's format unless subject_id is given" })
  @ApiParam({ name: 'protocolId', example: 'DEFAULT' })
  @ApiBody({ type: EnrolSubjectDto, examples: { 'enrol at once': { summary: 'the next number of the default study, enrolled today', value: ENROL_EXAMPLE } } })
  @ApiCreatedResponse({ type: PatientResponse })
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs, or site_id is not one of your sites (nothing stored)')
  @ApiError(HttpStatus.NOT_FOUND, 'No such study')
  @ApiError(HttpStatus.CONFLICT, 'The study is not enrolling, the site is closed, or the subject number exists in the study (nothing stored)')
  enrol(
    @Param('protocolId', ProtocolIdPipe) protocolId: string,
    @Body() body: EnrolSubjectDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<PatientResponse> {
    return this.enrolment.enrol(protocolId, body, user, actor);
  }
}
