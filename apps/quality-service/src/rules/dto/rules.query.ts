import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, Matches } from 'class-validator';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { RULE_DOCUMENT_FORMATS, type RuleDocumentFormat } from '../rule-document.js';
import { STUDY_CODE, STUDY_CODE_HINT } from './study-code.js';

/** `?study=` when it may be left out: then the default library. */
export class OptionalStudyQuery {
  @ApiPropertyOptional({ example: 'RA001', description: "the study (protocol id); without it, the default library every new study starts with" })
  @IsOptional()
  @Matches(STUDY_CODE, { message: STUDY_CODE_HINT })
  study?: string;
}

export class StudyQuery {
  @ApiProperty({ example: 'RA001', description: 'the study (protocol id)' })
  @IsDefined()
  @Matches(STUDY_CODE, { message: STUDY_CODE_HINT })
  study!: string;
}

export class RuleVersionsQuery extends PageQuery {
  @ApiProperty({ example: 'RA001', description: 'the study (protocol id)' })
  @IsDefined()
  @Matches(STUDY_CODE, { message: STUDY_CODE_HINT })
  study!: string;
}

export class ExportRulesQuery extends OptionalStudyQuery {
  @ApiPropertyOptional({ enum: RULE_DOCUMENT_FORMATS, default: 'yaml' })
  @IsOptional()
  @IsIn(RULE_DOCUMENT_FORMATS, { message: `format must be one of ${RULE_DOCUMENT_FORMATS.join(', ')}` })
  format: RuleDocumentFormat = 'yaml';
}
