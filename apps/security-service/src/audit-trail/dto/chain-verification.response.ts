import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { AnchorCheck, AnchorStatus, ChainVerification } from '../audit-verification.service.js';

const ANCHOR_STATUSES: AnchorStatus[] = ['matches', 'not_signed_by_this_installation', 'truncated', 'rewritten'];

export class BrokenLink {
  @ApiProperty({ type: 'integer' })
  seq!: number;

  @ApiProperty({ format: 'uuid', nullable: true, type: 'string', description: 'null when the event itself was removed and only its link remains' })
  event_id!: string | null;

  @ApiProperty({ example: 'the event was changed after it was written' })
  problem!: string;
}

@ApiSchema({ name: 'AnchorCheck' })
export class AnchorCheckBody implements AnchorCheck {
  @ApiProperty({ type: 'integer', minimum: 0 })
  position!: number;

  @ApiProperty()
  hash!: string;

  @ApiProperty({ format: 'date-time' })
  signed_at!: string;

  @ApiProperty({ enum: ANCHOR_STATUSES })
  status!: AnchorStatus;

  @ApiPropertyOptional()
  problem?: string;
}

@ApiSchema({ name: 'ChainVerification' })
export class ChainVerificationBody implements ChainVerification {
  @ApiProperty({ description: 'no link broken and, with anchors, every anchor matches' })
  intact!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0 })
  events_checked!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'committed events still waiting to be linked into the chain (not a problem)' })
  pending!: number;

  @ApiPropertyOptional({ type: BrokenLink, description: 'the first event that was changed, whose predecessor was removed, or that left the sealing queue' })
  first_broken?: BrokenLink;

  @ApiPropertyOptional({ type: [AnchorCheckBody], description: 'with anchors given: what each says about the chain' })
  anchors?: AnchorCheckBody[];
}
