import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';
import type { AuditEventResponse } from '../audit-trail.service.js';

const NULLABLE_TEXT = { type: String, nullable: true } as const;

/** An audit event as the search shows it, with its link in the hash chain. */
@ApiSchema({ name: 'AuditEventResponse' })
export class AuditEventBody implements AuditEventResponse {
  @ApiProperty({ type: 'integer', description: 'order of writing' })
  seq!: number;

  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  occurred_at!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  user_id!: string | null;

  @ApiProperty(NULLABLE_TEXT)
  username!: string | null;

  @ApiProperty(NULLABLE_TEXT)
  role!: string | null;

  @ApiProperty({ example: 'create' })
  action!: string;

  @ApiProperty({ example: 'vital_sign' })
  entity_type!: string;

  @ApiProperty(NULLABLE_TEXT)
  entity_id!: string | null;

  @ApiProperty({ ...NULLABLE_TEXT, example: 'RA001-001' })
  subject!: string | null;

  @ApiProperty({ ...NULLABLE_TEXT, description: 'an IP address, or null' })
  client_address!: string | null;

  @ApiProperty(NULLABLE_TEXT)
  request_id!: string | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'each changed field\'s old and new value (passwords only as "changed")',
    additionalProperties: { type: 'object', properties: { old: {}, new: {} } },
    example: { heart_rate: { old: null, new: 72 } },
  })
  changes!: unknown;

  @ApiProperty(NULLABLE_TEXT)
  reason!: string | null;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null for the moment before sealing' })
  chain_position!: number | null;

  @ApiProperty({ ...NULLABLE_TEXT, description: 'SHA-256, hex' })
  previous_hash!: string | null;

  @ApiProperty({ ...NULLABLE_TEXT, description: 'SHA-256, hex' })
  hash!: string | null;
}

export class AuditEventPage implements Page<AuditEventBody> {
  @ApiProperty({ type: [AuditEventBody], description: 'newest first' })
  data!: AuditEventBody[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}
