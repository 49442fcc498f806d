import { Module } from '@nestjs/common';
import { AuditAnchorController } from './audit-anchor.controller.js';
import { AuditAnchorService } from './audit-anchor.service.js';
import { AuditTrailController } from './audit-trail.controller.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditVerificationService } from './audit-verification.service.js';

@Module({
  controllers: [AuditTrailController, AuditAnchorController],
  providers: [AuditTrailService, AuditVerificationService, AuditAnchorService],
})
export class AuditTrailModule {}
