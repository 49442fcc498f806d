import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditSealer } from '../../../../libs/audit/src/index.js';
import { type AuditAnchor, AuditAnchorService } from './audit-anchor.service.js';

export type AnchorStatus = 'matches' | 'not_signed_by_this_installation' | 'truncated' | 'rewritten';

export interface AnchorCheck {
  position: number;
  hash: string;
  signed_at: string;
  status: AnchorStatus;
  problem?: string;
}

export interface ChainVerification {
  intact: boolean;
  events_checked: number;
  /** Committed events still waiting to be linked into the chain (not a problem: sealing is asynchronous). */
  pending: number;
  first_broken?: { seq: number; event_id: string | null; problem: string };
  /** With anchors given: what each says about the chain. */
  anchors?: AnchorCheck[];
}

interface ChainRow {
  checked: number;
  pending: number;
  seq: string | null;
  id: string | null;
  problem: string | null;
}

/**
 * Checks the audit trail's hash chain in the database, and against earlier signed anchors: a
 * chain recomputed from a changed event is consistent in itself, but no longer ends where an
 * earlier anchor says it passed.
 */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
    private readonly anchors: AuditAnchorService,
  ) {}

  /**
   * Seals what is pending, then recomputes every link in one set-based pass (one snapshot): each
   * event's hash from its content and the previous link, and each link's pointer to its
   * predecessor. Events committed after the seal are pending; an event neither linked nor queued
   * was taken out of the queue, which is a problem.
   */
  async verify(anchors: AuditAnchor[] = []): Promise<ChainVerification> {
    await this.sealer.seal(true);
    const [result] = (await this.dataSource.query(`
      WITH chain AS (
        SELECT c.position, c.event_seq AS seq, e.id, e.seq IS NULL AS event_missing, c.hash, c.previous_hash,
               audit_link_hash(c.hash_version, c.previous_hash, e) AS expected_hash,
               lag(c.hash) OVER (ORDER BY c.position) AS prior_hash
          FROM audit_chain c LEFT JOIN audit_events e ON e.seq = c.event_seq
      ), broken AS (
        SELECT position, seq, id,
               CASE WHEN event_missing THEN 'the event was removed (its link in the chain remains)'
                    WHEN hash IS DISTINCT FROM expected_hash THEN 'the event was changed after it was written'
                    ELSE 'the link to the previous event is broken (an event was removed or reordered)' END AS problem
          FROM chain
         WHERE event_missing OR hash IS DISTINCT FROM expected_hash OR previous_hash IS DISTINCT FROM prior_hash
      ), unchained AS (
        SELECT e.seq, e.id, EXISTS (SELECT 1 FROM audit_unsealed u WHERE u.seq = e.seq) AS queued
          FROM audit_events e
         WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_seq = e.seq)
      ), first AS (
        SELECT * FROM (
          SELECT position, seq, id, problem FROM broken
          UNION ALL
          SELECT 0::bigint, seq, id, 'the event never entered the hash chain' FROM unchained WHERE NOT queued
        ) problems
         ORDER BY position, seq LIMIT 1
      )
      SELECT (SELECT count(*)::int FROM audit_events) AS checked,
             (SELECT count(*)::int FROM unchained WHERE queued) AS pending,
             f.seq, f.id, f.problem
        FROM (SELECT 1) one LEFT JOIN first f ON true`)) as ChainRow[];
    const anchorChecks = anchors.length > 0 ? await this.checkAnchors(anchors) : undefined;
    const anchorsHold = anchorChecks?.every((check) => check.status === 'matches') ?? true;
    return {
      intact: result.seq === null && anchorsHold,
      events_checked: result.checked,
      pending: result.pending,
      ...(result.seq === null
        ? {}
        : { first_broken: { seq: Number(result.seq), event_id: result.id, problem: result.problem as string } }),
      ...(anchorChecks ? { anchors: anchorChecks } : {}),
    };
  }

  private async checkAnchors(anchors: AuditAnchor[]): Promise<AnchorCheck[]> {
    const rows = (await this.dataSource.query(
      `SELECT a.position, c.hash, (SELECT max(position) FROM audit_chain) AS head
         FROM unnest($1::bigint[]) AS a(position)
         LEFT JOIN audit_chain c ON c.position = a.position`,
      [anchors.map((anchor) => anchor.position)],
    )) as Array<{ position: string; hash: string | null; head: string | null }>;
    const stored = new Map(rows.map((row) => [Number(row.position), row]));
    const head = Number(rows[0]?.head ?? 0);
    return anchors.map((anchor) => {
      const check = { position: anchor.position, hash: anchor.hash, signed_at: anchor.signed_at };
      if (!this.anchors.isAuthentic(anchor)) {
        return { ...check, status: 'not_signed_by_this_installation', problem: 'the signature does not match: this anchor was not made by this installation, or was altered' };
      }
      if (anchor.position === 0) return { ...check, status: 'matches' };
      const link = stored.get(anchor.position);
      if (head < anchor.position) {
        return { ...check, status: 'truncated', problem: `the chain ends at position ${head}, before this anchor's ${anchor.position}: events were removed` };
      }
      if (link?.hash !== anchor.hash) {
        return { ...check, status: 'rewritten', problem: `the link at position ${anchor.position} is not the one anchored: the chain was changed or recomputed up to there` };
      }
      return { ...check, status: 'matches' };
    });
  }
}
