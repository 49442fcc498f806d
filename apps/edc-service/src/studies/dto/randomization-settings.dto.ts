import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { MAX_BLOCK_SIZE, NotNullWhenGiven, STRATIFICATION_FACTORS, text } from './study-fields.js';

export class RandomizationSettingsDto {
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    example: [4, 6],
    description: 'permuted block sizes, varied at random; each a multiple of the sum of the arms\' allocation ratios (default: two and three times that sum, two sizes so the end of a block cannot be guessed)',
  })
  @NotNullWhenGiven()
  @IsArray()
  @ArrayMinSize(1, { message: 'block_sizes must hold at least 1 size' })
  @ArrayMaxSize(10, { message: 'block_sizes must hold at most 10 sizes' })
  @ArrayUnique(undefined, { message: 'block_sizes must not repeat a size' })
  @IsInt({ each: true, message: 'block_sizes must hold whole numbers' })
  @Min(1, { each: true, message: 'block_sizes must each be at least 1' })
  @Max(MAX_BLOCK_SIZE, { each: true, message: `block_sizes must each be at most ${MAX_BLOCK_SIZE}` })
  block_sizes?: number[];

  @ApiPropertyOptional({ enum: STRATIFICATION_FACTORS, isArray: true, example: ['site', 'sex'], description: 'strata of the permuted blocks (default: site)' })
  @NotNullWhenGiven()
  @IsArray()
  @ArrayUnique(undefined, { message: 'stratification_factors must not repeat a factor' })
  @IsIn(STRATIFICATION_FACTORS, { each: true, message: `stratification_factors may hold only ${STRATIFICATION_FACTORS.join(', ')}` })
  stratification_factors?: string[];

  @ApiPropertyOptional({
    writeOnly: true,
    minLength: 16,
    maxLength: 200,
    description: 'the secret the assignments follow from (never shown again); without one the platform makes a secret one',
  })
  @NotNullWhenGiven()
  @IsString()
  @Matches(text(200), { message: 'seed must be 16 to 200 characters and not blank' })
  @Matches(/^[\s\S]{16,}$/u, { message: 'seed must be 16 to 200 characters and not blank' })
  seed?: string;
}
