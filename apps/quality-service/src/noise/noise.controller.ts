import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, Roles } from '../../../../libs/auth/src/index.js';
import { ApiError, ApiFeature } from '../../../../libs/platform/src/index.js';
import { SimulateNoiseDto } from './dto/simulate-noise.dto.js';
import { SimulateNoiseResponse } from './dto/simulate-noise.response.js';
import { NoiseService } from './noise.service.js';

const EXAMPLE = {
  records: [
    { SubjectID: 'RA001-001', VisitName: 'Day 1', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 },
    { SubjectID: 'RA001-002', VisitName: 'Day 1', TreatmentArm: 'Placebo', SystolicBP: 132, DiastolicBP: 84, HeartRate: 70, Temperature: 36.7 },
  ],
  seed: 42,
  rates: { typo: 0.5, unit_flip: 0.5, scaling: 0.5 },
};

@ApiFeature('quality')
@Controller()
export class NoiseController {
  constructor(private readonly noise: NoiseService) {}

  @Post('simulate-noise')
  @Roles(ACCESS.readQualityRules)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'simulateNoise',
    summary:
      "SIMULATED DATA: the design's noise simulator, for training and testing the checks: typos (a vital ±1), °C/°F flips of the temperature and scaling errors (×10 or ÷10) put into the records at the given rates, deterministic for a seed, every change listed; stores nothing",
  })
  @ApiBody({ type: SimulateNoiseDto, examples: { 'two records, half of them noisy': { value: EXAMPLE } } })
  @ApiOkResponse({ type: SimulateNoiseResponse })
  @ApiError(HttpStatus.BAD_REQUEST, 'The body is malformed: records is not a list of 1 to 10,000 objects, seed is not a whole number 0–4294967295, a rate is not a number 0–1, or a field is unknown')
  @ApiError(HttpStatus.FORBIDDEN, 'Signed in without one of the roles this route needs')
  simulate(@Body() body: SimulateNoiseDto): SimulateNoiseResponse {
    return this.noise.simulate(body);
  }
}
