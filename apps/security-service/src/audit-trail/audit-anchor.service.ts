import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditSealer } from '../../../../libs/audit/src/index.js';
import { configuredOrLocalSecret, PlatformConfig } from '../../../../libs/config/src/index.js';

/** The chain head at a moment, signed with a key the database never sees. */
export interface AuditAnchor {
  /** Position of the newest link (0: the chain was empty). */
  position: number;
  /** That link's hash. */
  hash: string;
  signed_at: string;
  /** HMAC-SHA256, hex, over the three fields above. */
  signature: string;
}

const EMPTY_CHAIN_HASH = '0'.repeat(64);

/**
 * Signs the audit chain's head, on demand and every AUDIT_ANCHOR_INTERVAL_MS when it moved, and
 * publishes each anchor to the log and to AUDIT_ANCHOR_FILE. Someone who rewrites the database
 * (even a superuser, recomputing every hash) cannot make an earlier anchor fit again: verify with
 * the anchors shows it.
 */
@Injectable()
export class AuditAnchorService implements OnModuleDestroy {
  private readonly logger = new Logger('AuditAnchor');
  private readonly key: KeyObject;
  private readonly timer?: NodeJS.Timeout;
  private lastPosition = -1;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly config: PlatformConfig,
  ) {
    this.key = createSecretKey(Buffer.from(configuredOrLocalSecret(config, 'AUDIT_ANCHOR_SECRET'), 'utf8'));
    if (config.AUDIT_ANCHOR_INTERVAL_MS > 0) {
      this.timer = setInterval(() => void this.anchorIfMoved(), config.AUDIT_ANCHOR_INTERVAL_MS);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Seals what is pending, then signs and publishes the head. */
  async anchor(): Promise<AuditAnchor> {
    await this.sealer.seal(true);
    const [head] = (await this.dataSource.query(
      'SELECT position, hash FROM audit_chain ORDER BY position DESC LIMIT 1',
    )) as Array<{ position: string; hash: string }>;
    const unsigned = { position: head ? Number(head.position) : 0, hash: head?.hash ?? EMPTY_CHAIN_HASH, signed_at: new Date().toISOString() };
    const anchor = { ...unsigned, signature: this.sign(unsigned) };
    await this.publish(anchor);
    this.lastPosition = anchor.position;
    return anchor;
  }

  /** Whether this installation's key signed the anchor (compared in constant time). */
  isAuthentic(anchor: AuditAnchor): boolean {
    const expected = Buffer.from(this.sign(anchor), 'hex');
    const given = Buffer.from(anchor.signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(anchor: Omit<AuditAnchor, 'signature'>): string {
    return createHmac('sha256', this.key).update(`ctp-audit-anchor/1\n${anchor.position}\n${anchor.hash}\n${anchor.signed_at}`).digest('hex');
  }

  private async publish(anchor: AuditAnchor): Promise<void> {
    const line = JSON.stringify(anchor);
    this.logger.log(`audit anchor ${line}`);
    if (!this.config.AUDIT_ANCHOR_FILE) return;
    const file = resolve(this.config.AUDIT_ANCHOR_FILE);
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, `${line}\n`, { mode: 0o600 });
  }

  private async anchorIfMoved(): Promise<void> {
    try {
      const [head] = (await this.dataSource.query('SELECT max(position) AS position FROM audit_chain')) as Array<{ position: string | null }>;
      if (Number(head.position ?? 0) === this.lastPosition) return;
      await this.anchor();
    } catch (error) {
      this.logger.error(`could not anchor the audit chain (will retry): ${(error as Error).message}`);
    }
  }
}
