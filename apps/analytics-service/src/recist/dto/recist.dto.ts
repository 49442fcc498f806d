import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsNumber, IsObject, IsOptional, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CODE, CODE_HINT, ScopeQuery } from '../../scope/scope.dto.js';
import { DEFAULT_OTHER_ORR, DEFAULT_REFERENCE_ORR } from '../response-model.js';

export const MAX_SEED = 2_147_483_647;
export const MAX_SUBJECTS_PER_ARM = 100_000;
export const MAX_ARMS = 20;
const ARM_OBJECT = 'each of response_rates must be an object such as {"arm": "Active", "orr": 0.4}';

/** An optional probability, 0 to 1. */
const Probability = (name: string): PropertyDecorator =>
  applyDecorators(
    IsOptional(),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: `${name} must be a number` }),
    Min(0, { message: `${name} must be a probability from 0 to 1` }),
    Max(1, { message: `${name} must be a probability from 0 to 1` }),
  );

/** One arm's response probabilities: orr alone (a fifth of the responses complete), or cr and pr; sd optional. */
export class ArmResponseRatesDto {
  @ApiProperty({ example: 'Active', description: 'the arm (for stored data: an arm of the study)' })
  @Matches(CODE, { message: `arm ${CODE_HINT}` })
  arm!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.07, description: 'probability of a complete response (with pr; not with orr)' })
  @Probability('cr')
  cr?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.28, description: 'probability of a partial response (with cr; not with orr)' })
  @Probability('pr')
  pr?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.35, description: 'objective response rate (CR + PR), a fifth of it complete; instead of cr and pr' })
  @Probability('orr')
  orr?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, example: 0.3, description: 'probability of stable disease (default: half of the non-responders); the rest is progressive disease' })
  @Probability('sd')
  sd?: number;
}

export class RecistDto extends ScopeQuery {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_SEED, example: 20260514, description: 'the seed of the simulation: the same seed and input give the same responses' })
  @IsInt({ message: 'seed must be a whole number' })
  @Min(0, { message: `seed must be from 0 to ${MAX_SEED}` })
  @Max(MAX_SEED, { message: `seed must be from 0 to ${MAX_SEED}` })
  seed!: number;

  @ApiPropertyOptional({
    type: [ArmResponseRatesDto],
    maxItems: MAX_ARMS,
    description:
      `response probabilities per arm; an arm not listed takes the defaults: the reference arm (Placebo, else the first arm) ORR ${DEFAULT_REFERENCE_ORR}, ` +
      `any other ORR ${DEFAULT_OTHER_ORR}. Without stored data, the arms listed here are the arms simulated (default Placebo and Active)`,
  })
  @IsOptional()
  @IsArray({ message: 'response_rates must be a list of arms with their probabilities' })
  @ArrayMinSize(1, { message: 'response_rates must list at least 1 arm' })
  @ArrayMaxSize(MAX_ARMS, { message: `response_rates must list at most ${MAX_ARMS} arms` })
  // A list inside the list would pass ValidateNested (its items are validated) and then be misread: each arm is an object.
  @IsObject({ each: true, message: ARM_OBJECT })
  @ValidateNested({ each: true, message: ARM_OBJECT })
  @Type(() => ArmResponseRatesDto)
  response_rates?: ArmResponseRatesDto[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_SUBJECTS_PER_ARM,
    example: 60,
    description: 'simulate this many subjects per arm, reading no stored data (then no study, site or dataset_id); without it, one response per stored subject with an arm',
  })
  @IsOptional()
  @IsInt({ message: 'subjects_per_arm must be a whole number' })
  @Min(1, { message: `subjects_per_arm must be from 1 to ${MAX_SUBJECTS_PER_ARM}` })
  @Max(MAX_SUBJECTS_PER_ARM, { message: `subjects_per_arm must be from 1 to ${MAX_SUBJECTS_PER_ARM}` })
  subjects_per_arm?: number;
}
