import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';

export const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CODE_HINT = 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit';

/** Which stored data an analysis reads (a query string or part of a body). */
export class ScopeQuery {
  @ApiPropertyOptional({ example: 'RA001', description: "the study (default: the platform's default study)" })
  @IsOptional()
  @Matches(CODE, { message: `study ${CODE_HINT}` })
  study?: string;

  @ApiPropertyOptional({ example: 'S01', description: "one site of the study (default: every site; a site-limited user's sites)" })
  @IsOptional()
  @Matches(CODE, { message: `site ${CODE_HINT}` })
  site?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'only the subjects stored from this generated dataset' })
  @IsOptional()
  @IsUUID('all', { message: 'dataset_id must be a UUID' })
  dataset_id?: string;
}
