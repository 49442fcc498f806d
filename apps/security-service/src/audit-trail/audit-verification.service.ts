import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditSealer } from '../../../../libs/audit/src/index.js';

export interface ChainVerification {
  intact: boolean;
  events_checked: number;
  first_broken?: { seq: number; event_id: string; problem: string };
}

/** Checks the audit trail's hash chain in the database. */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: AuditSealer,
  ) {}

  /**
   * Seals what is pending, then recomputes every link in one set-based pass: each event's hash
   * from its content and the previous link, and each link's pointer to its predecessor. Reports
   * the first event that does not fit, or the first that never entered the chain.
   */
  async verify(): Promise<ChainVerification> {
    await this.sealer.seal(true);
    const [result] = (await this.dataSource.query(`
      WITH chain AS (
        SELECT c.position, e.seq, e.id, c.hash, c.previous_hash,
               audit_event_hash(c.previous_hash, e) AS expected_hash,
               lag(c.hash) OVER (ORDER BY c.position) AS prior_hash
          FROM audit_chain c JOIN audit_events e ON e.seq = c.event_seq
      ), broken AS (
        SELECT position, seq, id,
               CASE WHEN hash IS DISTINCT FROM expected_hash THEN 'the event was changed after it was written'
                    ELSE 'the link to the previous event is broken (an event was removed or reordered)' END AS problem
          FROM chain
         WHERE hash IS DISTINCT FROM expected_hash OR previous_hash IS DISTINCT FROM prior_hash
      ), unchained AS (
        SELECT 0::bigint AS position, e.seq, e.id, 'the event never entered the hash chain' AS problem
          FROM audit_events e
         WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_seq = e.seq)
      ), first AS (
        SELECT * FROM (SELECT * FROM broken UNION ALL SELECT * FROM unchained) problems
         ORDER BY position, seq LIMIT 1
      )
      SELECT (SELECT count(*)::int FROM audit_events) AS checked, f.seq, f.id, f.problem
        FROM (SELECT 1) one LEFT JOIN first f ON true`)) as Array<{ checked: number; seq: string | null; id: string | null; problem: string | null }>;
    if (result.seq === null) return { intact: true, events_checked: result.checked };
    return {
      intact: false,
      events_checked: result.checked,
      first_broken: { seq: Number(result.seq), event_id: result.id as string, problem: result.problem as string },
    };
  }
}
