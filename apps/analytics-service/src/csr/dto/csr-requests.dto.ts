import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { CODE, CODE_HINT, ScopeQuery } from '../../scope/scope.dto.js';

/** 1 to 200 characters, not blank, no control characters. */
const TITLE = /^(?=[\s\S]*\S)[^\p{Cc}]{1,200}$/u;

export const CSR_FORMATS = ['json', 'html', 'markdown'] as const;
export type CsrFormatName = (typeof CSR_FORMATS)[number];

/** Which data the report covers (study, site, dataset) and its title. */
export class GenerateCsrDto extends ScopeQuery {
  @ApiPropertyOptional({ example: 'RA001 clinical study report', description: "the report's title (default: 'Clinical study report: ' and the study's title)" })
  @IsOptional()
  @IsString({ message: 'title must be a text' })
  @Matches(TITLE, { message: 'title must be 1 to 200 characters, not blank, without control characters' })
  title?: string;
}

export class CsrListQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'RA001', description: "the study (default: the platform's default study)" })
  @IsOptional()
  @Matches(CODE, { message: `study ${CODE_HINT}` })
  study?: string;
}

export class CsrFormatQuery {
  @ApiPropertyOptional({ enum: CSR_FORMATS, default: 'json', description: 'json: the stored report; html: a self-contained page with charts; markdown: the same as text' })
  @IsOptional()
  @IsIn(CSR_FORMATS, { message: `format must be one of ${CSR_FORMATS.join(', ')}` })
  format?: CsrFormatName;
}
