import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { ETHNICITIES, PLAUSIBLE, RACES, SEXES, type Sex } from './demographics.js';

const one = (values: readonly string[]): string => `one of: ${values.join(', ')}`;
const DECIMAL = { allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 } as const;
/** Birth years before this are typos whatever the consent date; the age at consent is checked against it too. */
const EARLIEST_BIRTH_YEAR = 1890;
const LATEST_BIRTH_YEAR = 2200;

/** Demographics at enrolment: sex and one of birth year or age are required (checked with the consent date). */
export class DemographicsDto {
  @ApiProperty({ enum: SEXES, example: 'F', description: 'CDISC SEX: F, M or U (unknown)' })
  @IsIn(SEXES, { message: `sex must be ${one(SEXES)}` })
  sex!: Sex;

  @ApiPropertyOptional({ type: 'integer', example: 1961, description: 'give birth_year or age, not both' })
  @IsOptional()
  @IsInt()
  @Min(EARLIEST_BIRTH_YEAR)
  @Max(LATEST_BIRTH_YEAR)
  birth_year?: number;

  @ApiPropertyOptional({ type: 'integer', example: 64, minimum: PLAUSIBLE.age.min, maximum: PLAUSIBLE.age.max, description: 'age in years at consent; give birth_year or age, not both' })
  @IsOptional()
  @IsInt()
  @Min(PLAUSIBLE.age.min)
  @Max(PLAUSIBLE.age.max)
  age?: number;

  @ApiPropertyOptional({ enum: RACES, example: 'WHITE', description: 'CDISC RACE' })
  @IsOptional()
  @IsIn(RACES, { message: `race must be ${one(RACES)}` })
  race?: string;

  @ApiPropertyOptional({ enum: ETHNICITIES, example: 'NOT HISPANIC OR LATINO', description: 'CDISC ETHNIC' })
  @IsOptional()
  @IsIn(ETHNICITIES, { message: `ethnicity must be ${one(ETHNICITIES)}` })
  ethnicity?: string;

  @ApiPropertyOptional({ example: 168.5, minimum: PLAUSIBLE.heightCm.min, maximum: PLAUSIBLE.heightCm.max, description: 'cm, at most one decimal' })
  @IsOptional()
  @IsNumber(DECIMAL, { message: 'height_cm must be a number in cm with at most one decimal place' })
  @Min(PLAUSIBLE.heightCm.min)
  @Max(PLAUSIBLE.heightCm.max)
  height_cm?: number;

  @ApiPropertyOptional({ example: 72.4, minimum: PLAUSIBLE.weightKg.min, maximum: PLAUSIBLE.weightKg.max, description: 'kg, at most one decimal' })
  @IsOptional()
  @IsNumber(DECIMAL, { message: 'weight_kg must be a number in kg with at most one decimal place' })
  @Min(PLAUSIBLE.weightKg.min)
  @Max(PLAUSIBLE.weightKg.max)
  weight_kg?: number;
}

/** A correction of demographics: only the fields given change; null clears an optional field. */
export class DemographicsChangeDto {
  @ApiPropertyOptional({ enum: SEXES, description: 'cannot be cleared' })
  @ValidateIf((_object, value) => value !== undefined)
  @IsIn(SEXES, { message: `sex must be ${one(SEXES)}` })
  sex?: Sex;

  @ApiPropertyOptional({ type: 'integer', nullable: true, description: 'replaces age' })
  @IsOptional()
  @IsInt()
  @Min(EARLIEST_BIRTH_YEAR)
  @Max(LATEST_BIRTH_YEAR)
  birth_year?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: PLAUSIBLE.age.min, maximum: PLAUSIBLE.age.max, description: 'replaces birth_year' })
  @IsOptional()
  @IsInt()
  @Min(PLAUSIBLE.age.min)
  @Max(PLAUSIBLE.age.max)
  age?: number | null;

  @ApiPropertyOptional({ enum: RACES, nullable: true })
  @IsOptional()
  @IsIn(RACES, { message: `race must be ${one(RACES)}` })
  race?: string | null;

  @ApiPropertyOptional({ enum: ETHNICITIES, nullable: true })
  @IsOptional()
  @IsIn(ETHNICITIES, { message: `ethnicity must be ${one(ETHNICITIES)}` })
  ethnicity?: string | null;

  @ApiPropertyOptional({ nullable: true, minimum: PLAUSIBLE.heightCm.min, maximum: PLAUSIBLE.heightCm.max })
  @IsOptional()
  @IsNumber(DECIMAL, { message: 'height_cm must be a number in cm with at most one decimal place' })
  @Min(PLAUSIBLE.heightCm.min)
  @Max(PLAUSIBLE.heightCm.max)
  height_cm?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: PLAUSIBLE.weightKg.min, maximum: PLAUSIBLE.weightKg.max })
  @IsOptional()
  @IsNumber(DECIMAL, { message: 'weight_kg must be a number in kg with at most one decimal place' })
  @Min(PLAUSIBLE.weightKg.min)
  @Max(PLAUSIBLE.weightKg.max)
  weight_kg?: number | null;
}
