import { Controller, Get, Header, Query } from '@nestjs/common';
import { Actor, type AuditActor } from '../../../../libs/audit/src/index.js';
import { ACCESS, type AuthenticatedUser, CurrentUser, Roles } from '../../../../libs/auth/src/index.js';
import { AuditEventsQuery } from './dto/audit-query.dto.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import { type AuditEventResponse, AuditTrailService } from './audit-trail.service.js';
import { AuditVerificationService, type ChainVerification } from './audit-verification.service.js';

@Roles(ACCESS.reviewAudit)
@Controller('audit')
export class AuditTrailController {
  constructor(
    private readonly trail: AuditTrailService,
    private readonly verification: AuditVerificationService,
  ) {}

  @Get('events')
  search(@Query() query: AuditEventsQuery, @CurrentUser() user: AuthenticatedUser): Promise<Page<AuditEventResponse>> {
    return this.trail.search(query, user);
  }

  @Get('events/export')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="audit-events.csv"')
  export(@Query() query: AuditEventsQuery, @CurrentUser() user: AuthenticatedUser, @Actor() actor: AuditActor): Promise<string> {
    return this.trail.exportCsv(query, user, actor);
  }

  @Get('verify')
  verify(): Promise<ChainVerification> {
    return this.verification.verify();
  }
}
