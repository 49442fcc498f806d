import { Global, Module } from '@nestjs/common';
import { AuditSealer } from './audit-sealer.js';
import { AuditService } from './audit.service.js';
import { ReadAuditBuffer } from './read-audit.buffer.js';

/** Writing the audit trail (searching it is the security service's feature). */
@Global()
@Module({
  // Order matters at shutdown: buffered reads are written before the last seal.
  providers: [AuditService, ReadAuditBuffer, AuditSealer],
  exports: [AuditService, ReadAuditBuffer, AuditSealer],
})
export class AuditModule {}
