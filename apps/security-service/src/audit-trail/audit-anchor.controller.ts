import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ACCESS, Roles } from '../../../../libs/auth/src/index.js';
import { ApiFeature } from '../../../../libs/platform/src/index.js';
import { AuditAnchorService } from './audit-anchor.service.js';
import { AuditVerificationService } from './audit-verification.service.js';
import { ChainVerificationBody } from './dto/chain-verification.response.js';
import { AuditAnchorDto, VerifyAnchorsDto } from './dto/verify-anchors.dto.js';

/** Signed anchors of the audit chain, and verification against them. */
@ApiFeature('audit trail')
@Roles(ACCESS.reviewAudit)
@Controller('audit')
export class AuditAnchorController {
  constructor(
    private readonly anchors: AuditAnchorService,
    private readonly verification: AuditVerificationService,
  ) {}

  /** Signs the chain head now (also written to the log and AUDIT_ANCHOR_FILE). */
  @Get('anchor')
  @ApiOperation({ operationId: 'anchorAuditChain', summary: 'Sign the audit chain head now (also written to the log and AUDIT_ANCHOR_FILE)' })
  @ApiOkResponse({ type: AuditAnchorDto, description: 'the anchor: keep it outside the database, e.g. in write-once storage' })
  anchor(): Promise<AuditAnchorDto> {
    return this.anchors.anchor();
  }

  /** Verifies the chain and checks it still passes through each earlier anchor. */
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ operationId: 'verifyAuditChainWithAnchors', summary: 'Verify the hash chain, and that it still passes through each earlier anchor' })
  @ApiOkResponse({ type: ChainVerificationBody })
  verify(@Body() body: VerifyAnchorsDto): Promise<ChainVerificationBody> {
    return this.verification.verify(body.anchors);
  }
}
