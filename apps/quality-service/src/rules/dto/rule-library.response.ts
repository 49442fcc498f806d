import { ApiProperty } from '@nestjs/swagger';
import { PageInfo, type Page } from '../../../../../libs/platform/src/index.js';
import type { Rule } from '../../../../../libs/edit-checks/src/index.js';
import { RULE_SCHEMA } from './rule.schema.js';

export class RuleLibraryResponse {
  @ApiProperty({ type: String, nullable: true, example: 'RA001', description: 'the study; null for the default library' })
  study!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: '0: the defaults, never edited' })
  version!: number;

  @ApiProperty({ type: String, nullable: true, example: 'dm.jones', description: 'who made this version (null for version 0)' })
  changed_by!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  changed_at!: string | null;

  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', pattern: '^[0-9a-f]{64}$', description: 'sha256 (hex) of the rules as canonical JSON: rules in library order, each rule\'s keys sorted, no whitespace' })
  sha256!: string;

  @ApiProperty({ type: 'array', items: RULE_SCHEMA })
  rules!: Rule[];
}

/** One version of a study's library, whole: its rules and who made it, when and why. */
export class RuleVersionResponse extends RuleLibraryResponse {
  @ApiProperty({ description: 'true for version 0: the default library as this release defines it (no stored version)' })
  defaults!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12 })
  rule_count!: number;

  @ApiProperty({ type: String, nullable: true, example: 'PUT VS003: changed VS003; reason: Protocol amendment 3', description: 'what the version changed (and why, when a reason was given); null for version 0' })
  change_summary!: string | null;
}

export class RuleResponse {
  @ApiProperty({ type: String, nullable: true, example: 'RA001' })
  study!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'the library version the rule is read from' })
  version!: number;

  @ApiProperty({ allOf: [RULE_SCHEMA] })
  rule!: Rule;
}

/** What a write did: the new version, or the unchanged one when nothing differed. */
export class RulesChangeResponse {
  @ApiProperty({ example: 'RA001' })
  study!: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 4, description: 'the library version now' })
  version!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 3, description: 'the version before the write (equal to version when nothing changed)' })
  previous_version!: number;

  @ApiProperty({ description: 'false: the write changed nothing and no version was made' })
  changed!: boolean;

  @ApiProperty({ type: [String], example: ['BP-DELTA'] })
  added!: string[];

  @ApiProperty({ type: [String], example: ['VS001'] })
  updated!: string[];

  @ApiProperty({ type: [String], example: [] })
  removed!: string[];
}

export class RuleChangeResponse extends RulesChangeResponse {
  @ApiProperty({ allOf: [RULE_SCHEMA], description: 'the rule as stored, defaults filled in' })
  rule!: Rule;
}

export class RuleVersionSummary {
  @ApiProperty({ type: 'integer', minimum: 1, example: 3 })
  version!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12 })
  rule_count!: number;

  @ApiProperty({ example: 'PUT VS001: changed VS001' })
  change_summary!: string;

  @ApiProperty({ type: String, nullable: true, example: 'dm.jones' })
  changed_by!: string | null;

  @ApiProperty({ format: 'date-time' })
  changed_at!: string;
}

export class RuleVersionPage implements Page<RuleVersionSummary> {
  @ApiProperty({ type: [RuleVersionSummary], description: 'newest first; the defaults (version 0) are not a stored version' })
  data!: RuleVersionSummary[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}
