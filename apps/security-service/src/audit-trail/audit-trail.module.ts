import { Module } from '@nestjs/common';
import { AuditTrailController } from './audit-trail.controller.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditVerificationService } from './audit-verification.service.js';

@Module({
  controllers: [AuditTrailController],
  providers: [AuditTrailService, AuditVerificationService],
})
export class AuditTrailModule {}
