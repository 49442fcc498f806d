import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { CLINICAL_CODE, CLINICAL_CODE_HINT } from './clinical-code.js';
import { IsQueryText } from './query-text.js';

/** The site's response to an open query. */
export class AnswerQueryDto {
  @IsQueryText('text', 'Value confirmed against the source document: the patient was febrile', { required: true })
  text!: string;
}

/** A remark in the thread; the status stays as it is. */
export class CommentQueryDto {
  @IsQueryText('text', 'Source document requested from the site', { required: true })
  text!: string;
}

export class CloseQueryDto {
  @IsQueryText('text', 'Answer accepted', { required: false, description: 'why it is closed, if anything is to be said' })
  text?: string;
}

export class ReopenQueryDto {
  @IsQueryText('text', 'The answer does not explain the value: please check the source document', { required: true, description: 'why it is re-opened' })
  text!: string;
}

export class CancelQueryDto {
  @IsQueryText('reason', 'Raised on the wrong subject', { required: true, description: 'why the query is withdrawn' })
  reason!: string;
}

/** Given as null: that assignment is removed; left out: it stays as it is. */
const ClearableWhenNull = () => IsOptional();

/**
 * Who should act on the query: a user (by id; their username is read from the user directory)
 * and/or the query's own site.
 */
export class AssignQueryDto {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'an active user who may answer queries (admin, data_manager, investigator) and sees the query\'s site; null removes the user assignment',
  })
  @ClearableWhenNull()
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'S01', description: 'the query\'s site (its subject\'s site); null removes the site assignment' })
  @ClearableWhenNull()
  @Matches(CLINICAL_CODE, { message: `site_id ${CLINICAL_CODE_HINT}` })
  site_id?: string | null;
}
