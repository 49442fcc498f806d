import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ACCESS, Roles } from '../../../../libs/auth/src/index.js';
import { type AuditAnchor, AuditAnchorService } from './audit-anchor.service.js';
import { AuditVerificationService, type ChainVerification } from './audit-verification.service.js';
import { VerifyAnchorsDto } from './dto/verify-anchors.dto.js';

/** Signed anchors of the audit chain, and verification against them. */
@Roles(ACCESS.reviewAudit)
@Controller('audit')
export class AuditAnchorController {
  constructor(
    private readonly anchors: AuditAnchorService,
    private readonly verification: AuditVerificationService,
  ) {}

  /** Signs the chain head now (also written to the log and AUDIT_ANCHOR_FILE). */
  @Get('anchor')
  anchor(): Promise<AuditAnchor> {
    return this.anchors.anchor();
  }

  /** Verifies the chain and checks it still passes through each earlier anchor. */
  @Post('verify')
  @HttpCode(200)
  verify(@Body() body: VerifyAnchorsDto): Promise<ChainVerification> {
    return this.verification.verify(body.anchors);
  }
}
