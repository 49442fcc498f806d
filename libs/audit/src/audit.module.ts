import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service.js';
import { ReadAuditBuffer } from './read-audit.buffer.js';

/** Writing the audit trail (searching it is the security service's feature). */
@Global()
@Module({
  providers: [AuditService, ReadAuditBuffer],
  exports: [AuditService, ReadAuditBuffer],
})
export class AuditModule {}
