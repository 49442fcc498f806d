import { PageQuery } from '../../../../../libs/platform/src/index.js';
import { IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';

export class AuditEventsQuery extends PageQuery {
  @IsOptional()
  @IsUUID()
  userId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  username?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  entityType?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  entityId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  subject?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  action?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
