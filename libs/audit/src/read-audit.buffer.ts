import { Injectable, Logger, type OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from '../../database/src/index.js';
import type { AuditActor, AuditEventInput } from './audit-event.js';
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
 *
 * One bad event must not stop the others: a batch the database refuses is retried event by event,
 * and an event refused on its own goes to `audit_quarantine` with the reason. Only when nothing can
 * be written (the database unreachable) do events stay buffered; once that has lasted
 * AUDIT_READ_MAX_FAILURE_MS, reads are refused rather than served unaudited.
 */
@Injectable()
export class ReadAuditBuffer implements OnModuleDestroy {
  private readonly logger = new Logger('ReadAudit');
  private pending: PendingRead[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private queued?: Promise<void>;
  /** When the first of the current run of failed writes happened; null while writes succeed. */
  private failingSince: number | null = null;
  private readonly maxFailureMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    connection: DatabaseConnection,
    config: PlatformConfig,
  ) {
    this.maxFailureMs = config.AUDIT_READ_MAX_FAILURE_MS;
    this.timer = setInterval(() => void this.flush(), config.AUDIT_READ_FLUSH_MS);
    this.timer.unref();
    connection.beforeClose(() => this.flush());
  }

  /** Buffers the reads' audit events; throws 503 (the error filter adds Retry-After) when read auditing has been failing for too long. */
  recordRead(actor: AuditActor, reads: Array<{ subject: string; entityId: string }>): void {
    if (this.failingSince !== null && Date.now() - this.failingSince >= this.maxFailureMs) {
      throw new ServiceUnavailableException(
        'Patient data cannot be read now: reads are audited and the audit trail cannot be written (the database is unreachable); retry later',
      );
    }
    for (const read of reads) this.pending.push({ actor, ...read });
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.logger.error(`read audit buffer full while the database is unreachable: ${dropped.length} oldest read events dropped`);
    }
    if (this.pending.length >= FLUSH_AT) void this.flush();
  }

  /**
   * Writes what is buffered. Calls while a write runs share one follow-up write (which takes
   * everything buffered by then), so a slow or hung database never lets writes pile up behind
   * each other, one per timer tick, for the shutdown to wait through.
   */
  flush(): Promise<void> {
    this.queued ??= this.flushing.then(() => {
      this.queued = undefined;
      return this.writePending();
    });
    this.flushing = this.queued;
    return this.queued;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.writeBatch(batch);
      this.failingSince = null;
    } catch {
      // One refused event fails the whole transaction: find it (or learn the database is down).
      await this.writeOneByOne(batch);
    }
  }

  private async writeBatch(batch: PendingRead[]): Promise<void> {
    const byActor = new Map<string, PendingRead[]>();
    for (const read of batch) {
      const key = JSON.stringify(read.actor);
      const reads = byActor.get(key);
      if (reads) reads.push(read);
      else byActor.set(key, [read]);
    }
    await this.dataSource.transaction(async (db) => {
      for (const reads of byActor.values()) await this.audit.record(db, reads[0].actor, reads.map(readEvent));
    });
  }

  /** Each event on its own; when one can be neither written nor quarantined, it and the rest wait for the next flush. */
  private async writeOneByOne(batch: PendingRead[]): Promise<void> {
    let quarantined = 0;
    for (const [index, read] of batch.entries()) {
      try {
        if (await this.writeOrQuarantine(read)) quarantined += 1;
      } catch (error) {
        const kept = batch.slice(index);
        this.pending = [...kept, ...this.pending];
        this.failingSince ??= Date.now();
        this.logger.error(`could not write ${kept.length} read audit events (kept for retry): ${(error as Error).message}`);
        return;
      }
    }
    this.failingSince = null;
    if (quarantined > 0) this.logger.error(`${quarantined} read audit event(s) refused by the database were kept in audit_quarantine`);
  }

  /**
   * Writes one event, or quarantines it when the database refuses its values (true). Any other
   * failure (a lost connection, the database down) is thrown: retrying later may succeed.
   */
  private async writeOrQuarantine(read: PendingRead): Promise<boolean> {
    try {
      await this.writeBatch([read]);
      return false;
    } catch (error) {
      if (!refusesTheValues(error)) throw error;
      await this.quarantine(read, error as Error);
      return true;
    }
  }

  private async quarantine(read: PendingRead, reason: Error): Promise<void> {
    const event = { ...readEvent(read), actor: read.actor };
    await this.dataSource.query('INSERT INTO audit_quarantine (event, error) VALUES ($1::jsonb, $2)', [
      JSON.stringify(event, withoutNul),
      withoutNul('', reason.message),
    ]);
  }
}

/** PostgreSQL's data exceptions (22: too long, bad encoding) and integrity violations (23): retrying cannot help. */
function refusesTheValues(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

function readEvent(read: PendingRead): AuditEventInput & { entityId: string; subject: string } {
  return { action: 'read', entityType: 'patient', entityId: read.entityId, subject: read.subject };
}

/** PostgreSQL text and jsonb cannot hold U+0000; the quarantine must accept whatever it is given. */
function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/\u0000/g, '\uFFFD') : value;
}
