import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../../libs/platform/src/index.js';
import { RepairVitalsDto, RepairVitalsResponse, ValidateVitalsDto, ValidateVitalsResponse } from '../dto/vitals-checks.dto.js';
import { VitalsChecksService } from './vitals-checks.service.js';

const EXAMPLE = {
  records: [
    { SubjectID: 'RA001-001', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 },
    { SubjectID: 'RA001-002', VisitName: 'Screening', TreatmentArm: 'Placebo', SystolicBP: 250, DiastolicBP: 20, HeartRate: 180, Temperature: 42.3 },
  ],
};

@ApiFeature('vitals')
@Controller()
export class VitalsChecksController {
  constructor(private readonly checks: VitalsChecksService) {}

  @Post('validate')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ operationId: 'validateVitals', summary: 'Check a batch against the capture rules and the study rules without storing it: which records pass and why the others fail' })
  @ApiBody({ type: ValidateVitalsDto, examples: { 'one good, one bad': { value: EXAMPLE } } })
  @ApiOkResponse({ type: ValidateVitalsResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The envelope is malformed (records is not a list of 1 to 10,000); bad records are reported in the answer, not refused')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  validate(@Body() body: ValidateVitalsDto, @CurrentUser() user: AuthenticatedUser): Promise<ValidateVitalsResponse> {
    return this.checks.validate(body.records, user);
  }

  @Post('repair')
  @Roles(ACCESS.captureClinicalData)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'repairSyntheticVitals',
    summary: 'SYNTHETIC DATA ONLY: clip the values of generated records into plausible ranges and list every change (stores nothing; never for data captured from subjects)',
  })
  @ApiBody({ type: RepairVitalsDto, examples: { 'out-of-range synthetic record': { value: EXAMPLE } } })
  @ApiOkResponse({ type: RepairVitalsResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The envelope is malformed (records is not a list of 1 to 10,000 objects)')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  repair(@Body() body: RepairVitalsDto): RepairVitalsResponse {
    return this.checks.repair(body.records);
  }
}
