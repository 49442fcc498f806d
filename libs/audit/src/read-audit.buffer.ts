import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from '../../database/src/index.js';
import type { AuditActor } from './audit-event.js';
import { AuditService } from './audit.service.js';

interface PendingRead {
  actor: AuditActor;
  subject: string;
  entityId: string;
}

const FLUSH_AT = 500;
/** While the database is unreachable, reads served from the cache keep being buffered, up to this many. */
const MAX_PENDING = 100_000;

/**
 * Reads of patient data are audited without the read waiting on PostgreSQL: reads are buffered
 * and written in one transaction every AUDIT_READ_FLUSH_MS (or every 500 reads), and on shutdown
 * before the pool closes. A crash loses at most the reads of the last flush interval.
 */
@Injectable()
export class ReadAuditBuffer implements OnModuleDestroy {
  private readonly logger = new Logger('ReadAudit');
  private pending: PendingRead[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    connection: DatabaseConnection,
    config: PlatformConfig,
  ) {
    this.timer = setInterval(() => void this.flush(), config.AUDIT_READ_FLUSH_MS);
    this.timer.unref();
    connection.beforeClose(() => this.flush());
  }

  recordRead(actor: AuditActor, reads: Array<{ subject: string; entityId: string }>): void {
    for (const read of reads) this.pending.push({ actor, ...read });
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.logger.error(`read audit buffer full while the database is unreachable: ${dropped.length} oldest read events dropped`);
    }
    if (this.pending.length >= FLUSH_AT) void this.flush();
  }

  /** Writes what is buffered; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const byActor = new Map<string, PendingRead[]>();
    for (const read of batch) {
      const key = JSON.stringify(read.actor);
      const reads = byActor.get(key);
      if (reads) reads.push(read);
      else byActor.set(key, [read]);
    }
    try {
      await this.dataSource.transaction(async (db) => {
        for (const reads of byActor.values()) {
          await this.audit.record(
            db,
            reads[0].actor,
            reads.map((read) => ({ action: 'read', entityType: 'patient', entityId: read.entityId, subject: read.subject })),
          );
        }
      });
    } catch (error) {
      // Keep them for the next flush rather than lose them; the database may be back by then.
      this.pending = [...batch, ...this.pending];
      this.logger.error(`could not write ${batch.length} read audit events (kept for retry): ${(error as Error).message}`);
    }
  }
}
