import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformConfig } from '../../config/src/index.js';
import { DatabaseConnection } from '../../database/src/index.js';

const PER_ROUND = 5_000;

/**
 * Appends committed audit events to the hash chain (the database's `audit_seal()`), every
 * AUDIT_SEAL_INTERVAL_MS and at shutdown. Every process with the database runs one; they take
 * turns through a lock in the database and skip a round while another is sealing.
 */
@Injectable()
export class AuditSealer implements OnModuleDestroy {
  private readonly logger = new Logger('AuditSealer');
  private readonly timer: NodeJS.Timeout;
  private running: Promise<number> | undefined;
  private failing = false;

  constructor(
    private readonly dataSource: DataSource,
    connection: DatabaseConnection,
    config: PlatformConfig,
  ) {
    this.timer = setInterval(() => void this.seal(false), config.AUDIT_SEAL_INTERVAL_MS);
    this.timer.unref();
    connection.beforeClose(async () => {
      clearInterval(this.timer);
      await this.seal(true);
    });
  }

  /** Seals what is pending; with `wait`, also waits for another sealer to finish first. Returns how many were sealed. */
  async seal(wait: boolean): Promise<number> {
    if (this.running) {
      await this.running;
      if (!wait) return 0;
    }
    this.running = this.sealAll(wait).finally(() => (this.running = undefined));
    return this.running;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async sealAll(wait: boolean): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const [{ sealed }] = (await this.dataSource.query('SELECT audit_seal($1, $2) AS sealed', [PER_ROUND, wait])) as Array<{ sealed: number }>;
        total += sealed;
        if (sealed < PER_ROUND) break;
      }
      if (this.failing) this.logger.log('sealing audit events again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.error(`cannot seal audit events (will retry): ${(error as Error).message}`);
      this.failing = true;
    }
    return total;
  }
}
