import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { ApiFeature } from '../../../../libs/platform/src/index.js';
import { AuditEventsQuery } from './dto/audit-query.dto.js';
import { AuditEventPage } from './dto/audit-event.response.js';
import { ChainVerificationBody } from './dto/chain-verification.response.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditVerificationService } from './audit-verification.service.js';

@ApiFeature('audit trail')
@Roles(ACCESS.reviewAudit)
@Controller('audit')
export class AuditTrailController {
  constructor(
    private readonly trail: AuditTrailService,
    private readonly verification: AuditVerificationService,
  ) {}

  @Get('events')
  @ApiOperation({ operationId: 'searchAuditEvents', summary: 'The audit trail, newest first (a site-limited user sees their sites\' subjects and their own events)' })
  @ApiOkResponse({ type: AuditEventPage })
  search(@Query() query: AuditEventsQuery, @CurrentUser() user: AuthenticatedUser): Promise<AuditEventPage> {
    return this.trail.search(query, user);
  }

  @Get('events/export')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="audit-events.csv"')
  @ApiOperation({ operationId: 'exportAuditEvents', summary: 'The same events as CSV, oldest first (the export is itself audited)' })
  @ApiOkResponse({
    description: 'CSV with a header line',
    content: { 'text/csv': { schema: { type: 'string', example: 'seq,occurred_at,user_id,username,role,action,entity_type,entity_id,subject,client_address,request_id,reason,changes,hash\r\n' } } },
  })
  export(@Query() query: AuditEventsQuery, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<string> {
    return this.trail.exportCsv(query, user, actor);
  }

  @Get('verify')
  @ApiOperation({ operationId: 'verifyAuditChain', summary: 'Recompute the hash chain and name the first broken link' })
  @ApiOkResponse({ type: ChainVerificationBody })
  verify(): Promise<ChainVerificationBody> {
    return this.verification.verify();
  }
}
