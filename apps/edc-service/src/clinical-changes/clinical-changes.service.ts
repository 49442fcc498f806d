import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, type AuditEventInput, AuditService } from '../../../../libs/audit/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { subjectCacheTag } from '../patients/subject-cache.js';
import { studyCacheTag, studyDataCacheTag } from '../studies/study-cache.js';

/** Why and by whom clinical data changes, as the database records it for each changed row. */
export interface ChangeContext {
  actor: AuditActor;
  /** Required by the database for any change to a patient, vital sign or adverse event. */
  reason: string;
  /** The audit action the database records for updated rows: `correct`, `entered_in_error`, ... (default `update`). */
  action?: string;
}

/** What a write did, beyond its rows: subjects whose cached reads it outdates, and audit events it adds. */
export interface WriteEffects {
  /**
   * A subject whose reads (vitals, casebook) must not be served from the cache after this commit,
   * nor anything computed over its study's data (statistics).
   */
  touchSubject(subjectNumber: string, protocolId: string): void;
  /** Protocol ids whose study reads (a casebook's study title, sites, schedule) must not be served from the cache after this commit. */
  touchStudy(protocolId: string): void;
  /** Audit events for what no trigger records (a lock, a signature, a study change). */
  audit(...events: AuditEventInput[]): void;
}

/** The effects of each write in flight, by its transaction: for helpers handed only the transaction (StudyRegistry). */
const effectsOfTransaction = new WeakMap<EntityManager, WriteEffects>();

/** The effects of the ClinicalChanges write whose transaction this is; undefined outside one. */
export function writeEffectsOf(db: EntityManager): WriteEffects | undefined {
  return effectsOfTransaction.get(db);
}

/**
 * The EDC's one way to write: a transaction that states the actor and (for changes to clinical
 * data) the reason, so the database's triggers audit each changed row, refuse writes to locked
 * data and invalidate signatures; audit events of the write itself in the same transaction; and
 * the touched subjects' cached reads invalidated, recorded in the transaction and bumped after it.
 */
@Injectable()
export class ClinicalChanges {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cache: CacheService,
  ) {}

  /** A write that changes stored clinical data: needs a reason. */
  change<T>(context: ChangeContext, work: (db: EntityManager, effects: WriteEffects) => Promise<T>): Promise<T> {
    return this.write(context.actor, work, context);
  }

  /** A write that adds data or records a decision (lock, signature, enrolment): no reason needed. */
  async write<T>(actor: AuditActor, work: (db: EntityManager, effects: WriteEffects) => Promise<T>, change?: ChangeContext): Promise<T> {
    const tags = new Set<string>();
    const events: AuditEventInput[] = [];
    const effects: WriteEffects = {
      touchSubject: (subjectNumber, protocolId) => tags.add(subjectCacheTag(subjectNumber)).add(studyDataCacheTag(protocolId)),
      touchStudy: (protocolId) => tags.add(studyCacheTag(protocolId)),
      audit: (...added) => events.push(...added),
    };
    const result = await this.dataSource.transaction('READ COMMITTED', async (db) => {
      effectsOfTransaction.set(db, effects);
      await db.query(`SELECT set_config('ctp.actor', $1, true), set_config('ctp.change_reason', $2, true), set_config('ctp.change_action', $3, true)`, [
        JSON.stringify(actor),
        change?.reason ?? '',
        change?.action ?? '',
      ]);
      const answer = await work(db, effects);
      if (events.length > 0) await this.audit.record(db, actor, events);
      if (tags.size > 0) await this.cache.recordInvalidation(db, [...tags]);
      return answer;
    });
    if (tags.size > 0) await this.cache.invalidateTags([...tags], { recordedInTransaction: true });
    return result;
  }
}
