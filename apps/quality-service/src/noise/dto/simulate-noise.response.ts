import { ApiProperty } from '@nestjs/swagger';
import { NOISE_KINDS, type NoiseKind } from '../simulate-noise.js';

export class NoiseChangeResponse {
  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: 'position of the record in the request' })
  index!: number;

  @ApiProperty({ example: 'Temperature' })
  field!: string;

  @ApiProperty({ enum: NOISE_KINDS, example: 'unit_flip' })
  kind!: NoiseKind;

  @ApiProperty({ type: 'number', example: 36.8, description: 'the value before this change (a value changed twice is listed twice, in order)' })
  old!: number;

  @ApiProperty({ type: 'number', example: 98.2 })
  new!: number;
}

export class NoiseRatesResponse {
  @ApiProperty({ type: 'number', example: 0.05 }) typo!: number;
  @ApiProperty({ type: 'number', example: 0.02 }) unit_flip!: number;
  @ApiProperty({ type: 'number', example: 0.02 }) scaling!: number;
}

export class SimulateNoiseResponse {
  @ApiProperty({ enum: [true], description: 'always true: these values were changed on purpose' })
  simulated!: true;

  @ApiProperty({ example: 'Simulated noise for training and testing: values were changed on purpose, listed in changes; these are not captured data, and nothing was stored.' })
  note!: string;

  @ApiProperty({ type: 'integer', example: 42 })
  seed!: number;

  @ApiProperty({ type: NoiseRatesResponse, description: 'the rates used (defaults filled in)' })
  rates!: NoiseRatesResponse;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  records_received!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1, description: 'records with at least one change' })
  records_changed!: number;

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'the records with the noise put in, in request order' })
  records!: Array<Record<string, unknown>>;

  @ApiProperty({ type: [NoiseChangeResponse], description: 'every change, in request order' })
  changes!: NoiseChangeResponse[];
}
