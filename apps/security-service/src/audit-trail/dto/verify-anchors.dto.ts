import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsISO8601, Matches, Max, Min, ValidateNested } from 'class-validator';
import type { AuditAnchor } from '../audit-anchor.service.js';

const HEX_256 = /^[0-9a-f]{64}$/;

/** An anchor as `GET /security/audit/anchor` answered it. */
export class AuditAnchorDto implements AuditAnchor {
  @ApiProperty({ type: 'integer', minimum: 0, example: 1042 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  position!: number;

  @ApiProperty({ pattern: HEX_256.source })
  @Matches(HEX_256, { message: 'hash must be 64 lowercase hex digits' })
  hash!: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  signed_at!: string;

  @ApiProperty({ pattern: HEX_256.source })
  @Matches(HEX_256, { message: 'signature must be 64 lowercase hex digits' })
  signature!: string;
}

export class VerifyAnchorsDto {
  @ApiProperty({ type: [AuditAnchorDto], description: 'Earlier anchors, e.g. from AUDIT_ANCHOR_FILE or write-once storage (1 to 1000)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => AuditAnchorDto)
  anchors!: AuditAnchorDto[];
}
