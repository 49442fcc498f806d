import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IMPORT_MODES, type ImportMode } from '../rule-changes.js';
import { RULE_DOCUMENT_FORMATS, type RuleDocumentFormat } from '../rule-document.js';
import { CHANGE_REASON, CHANGE_REASON_DOC, CHANGE_REASON_HINT } from './change-reason.js';

export class ImportRulesDto {
  @ApiPropertyOptional({ enum: RULE_DOCUMENT_FORMATS, default: 'yaml', description: 'how the document is written' })
  @IsOptional()
  @IsIn(RULE_DOCUMENT_FORMATS, { message: `format must be one of ${RULE_DOCUMENT_FORMATS.join(', ')}` })
  format: RuleDocumentFormat = 'yaml';

  @ApiProperty({
    description: 'the rules: `rules:` followed by a list, or a bare list (at most 256 KiB, 500 rules); what GET /quality/checks/rules/export gives',
    example: 'rules:\n  - id: BP-DELTA\n    type: change_from_previous\n    severity: major\n    field: SystolicBP\n    max_change: 40\n    message: Systolic changed by more than 40 mmHg since the previous visit.\n',
  })
  @IsDefined()
  @IsString({ message: 'document must be the text of a YAML or JSON document (a string)' })
  document!: string;

  @ApiProperty({
    enum: IMPORT_MODES,
    description: "replace: the document becomes the library (rules it lacks are removed); merge: its rules replace those with the same id, the others are added",
  })
  @IsDefined()
  @IsIn(IMPORT_MODES, { message: `mode must be one of ${IMPORT_MODES.join(', ')}` })
  mode!: ImportMode;

  @ApiPropertyOptional({ minLength: 1, maxLength: 500, example: 'Rules agreed at the data review meeting of 12 May', description: CHANGE_REASON_DOC })
  @IsOptional()
  @IsString({ message: CHANGE_REASON_HINT })
  @Matches(CHANGE_REASON, { message: CHANGE_REASON_HINT })
  reason?: string;
}
