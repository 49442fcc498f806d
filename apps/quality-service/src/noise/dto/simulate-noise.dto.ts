import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNumber, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { NotNullWhenGiven } from '../../../../../libs/platform/src/index.js';
import { DEFAULT_NOISE_RATES } from '../simulate-noise.js';

/** The EDC's batch limit: a batch that can be captured can be made noisy in one request. */
export const MAX_NOISE_RECORDS = 10_000;
export const MAX_NOISE_SEED = 4_294_967_295;

const rate = (description: string, defaultRate: number): ApiPropertyOptions => ({ type: 'number', minimum: 0, maximum: 1, default: defaultRate, description });

/** The chance per record of each kind of noise. */
export class NoiseRatesDto {
  @ApiPropertyOptional(rate('one numeric vital moved by ±1 (120 → 119 or 121)', DEFAULT_NOISE_RATES.typo))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  typo?: number;

  @ApiPropertyOptional(rate('the temperature written in °F instead of °C (36.8 → 98.2)', DEFAULT_NOISE_RATES.unit_flip))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  unit_flip?: number;

  @ApiPropertyOptional(rate('one numeric vital multiplied or divided by 10 (120 → 1200 or 12)', DEFAULT_NOISE_RATES.scaling))
  @NotNullWhenGiven() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1)
  scaling?: number;
}

export class SimulateNoiseDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    minItems: 1,
    maxItems: MAX_NOISE_RECORDS,
    description: "records in store-vitals' field names; only SystolicBP, DiastolicBP, HeartRate, Temperature and RespiratoryRate holding numbers are changed, everything else is sent back as it came",
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'records must hold at least 1 record' })
  @ArrayMaxSize(MAX_NOISE_RECORDS, { message: `records must hold at most ${MAX_NOISE_RECORDS} records` })
  @IsObject({ each: true, message: 'each of records must be an object' })
  records!: Array<Record<string, unknown>>;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_NOISE_SEED, example: 42, description: 'the same records, seed and rates always give the same answer' })
  @IsInt() @Min(0) @Max(MAX_NOISE_SEED)
  seed!: number;

  @ApiPropertyOptional({ type: NoiseRatesDto, description: 'the chance per record of each kind; a kind left out takes its default' })
  @NotNullWhenGiven() @IsObject({ message: 'rates must be an object of rates' }) @ValidateNested() @Type(() => NoiseRatesDto)
  rates?: NoiseRatesDto;
}
