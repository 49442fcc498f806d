import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { RULE_DOCUMENT_FORMATS, type RuleDocumentFormat } from '../rule-document.js';
import { CHANGE_REASON, CHANGE_REASON_DOC, CHANGE_REASON_HINT } from './change-reason.js';
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

/** `?study=` and an optional `?reason=` of a PUT or DELETE (a PUT's body is the rule itself). */
export class RuleWriteQuery extends StudyQuery {
  @ApiPropertyOptional({ minLength: 1, maxLength: 500, example: 'Protocol amendment 3 widens the heart rate range', description: CHANGE_REASON_DOC })
  @IsOptional()
  @IsString({ message: CHANGE_REASON_HINT })
  @Matches(CHANGE_REASON, { message: CHANGE_REASON_HINT })
  reason?: string;
}

/** The largest version number PostgreSQL's integer column holds. */
const MAX_VERSION = 2_147_483_647;
const VERSION_HINT = 'version must be a whole number from 0 (the defaults) up';

export class RuleVersionParams {
  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: "the library version (0: the default library)" })
  @Type(() => Number)
  @IsInt({ message: VERSION_HINT })
  @Min(0, { message: VERSION_HINT })
  @Max(MAX_VERSION, { message: VERSION_HINT })
  version!: number;
}
