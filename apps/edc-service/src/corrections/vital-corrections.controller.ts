import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { CorrectVitalDto } from './dto/correct-vital.dto.js';
import { EnteredInErrorDto } from './dto/reason.js';
import { VitalHistoryResponse } from './dto/record-history.response.js';
import { LOCKED, recordIdPipe } from './record-lookup.js';
import { VitalCorrectionsService } from './vital-corrections.service.js';

const VITAL_ID_PARAM = { name: 'vitalId', format: 'uuid', description: 'the `id` of a vital sign, as GET /edc/patients/:subjectId/vitals shows it' };

@ApiFeature('corrections')
@Controller()
export class VitalCorrectionsController {
  constructor(private readonly corrections: VitalCorrectionsService) {}

  @Patch('vitals/:vitalId')
  @Roles(ACCESS.manageSubjects)
  @ApiOperation({ operationId: 'correctVitalSign', summary: 'Correct a stored vital sign, with a reason; answers the record and its history' })
  @ApiParam(VITAL_ID_PARAM)
  @ApiBody({ type: CorrectVitalDto, examples: { 'a transcription error': { value: { systolic_bp: 128, reason: 'transcription error' } } } })
  @ApiOkResponse({ type: VitalHistoryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'No reason, a value breaking the capture rules (also against the stored values), an unknown field, an id that is not a UUID, or nothing that would change')
  @ApiError(HttpStatus.NOT_FOUND, 'No such vital sign at a site you may see, or it was entered in error')
  @ApiError(HttpStatus.CONFLICT, `Another stored record has this subject, visit and measurement time; or: ${LOCKED}`)
  correct(
    @Param('vitalId', recordIdPipe('vitalId')) vitalId: string,
    @Body() body: CorrectVitalDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<VitalHistoryResponse> {
    return this.corrections.correct(vitalId, body, user, actor);
  }

  @Get('vitals/:vitalId/history')
  @Roles(ACCESS.readClinicalData)
  @ApiOperation({ operationId: 'getVitalSignHistory', summary: 'Every version of a vital sign from the audit trail: values, who, when, why (records entered in error too)' })
  @ApiParam(VITAL_ID_PARAM)
  @ApiOkResponse({ type: VitalHistoryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'vitalId is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, 'No such vital sign at a site you may see')
  getHistory(
    @Param('vitalId', recordIdPipe('vitalId')) vitalId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<VitalHistoryResponse> {
    return this.corrections.history(vitalId, user, actor);
  }

  @Post('vitals/:vitalId/entered-in-error')
  @Roles(ACCESS.manageSubjects)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'markVitalSignEnteredInError', summary: 'Mark a vital sign entered in error, with a reason: hidden from reads and analyses, kept in its history' })
  @ApiParam(VITAL_ID_PARAM)
  @ApiBody({ type: EnteredInErrorDto })
  @ApiOkResponse({ type: VitalHistoryResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'No reason, an unknown field, or an id that is not a UUID')
  @ApiError(HttpStatus.NOT_FOUND, 'No such vital sign at a site you may see')
  @ApiError(HttpStatus.CONFLICT, `Already entered in error; or: ${LOCKED}`)
  markEnteredInError(
    @Param('vitalId', recordIdPipe('vitalId')) vitalId: string,
    @Body() body: EnteredInErrorDto,
    @CurrentUser() user: AuthenticatedUser,
    @Actor() actor: AuditActor,
  ): Promise<VitalHistoryResponse> {
    return this.corrections.markEnteredInError(vitalId, body, user, actor);
  }
}
