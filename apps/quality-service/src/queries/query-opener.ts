import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';

/**
 * Opens one query per finding of a stored run, set-based, unless an identical open query exists
 * (the unique index quality_queries_one_open_idx), links each finding to its query, writes each
 * new query's 'opened' message and audit event: all in the caller's transaction.
 */
@Injectable()
export class QueryOpener {
  /** Answers how many queries were opened. */
  async openFromRun(_db: EntityManager, _runId: string, _actor: AuditActor): Promise<number> {
    throw new Error('QueryOpener.openFromRun is not written yet');
  }
}
