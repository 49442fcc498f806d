import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor, AuditEventInput } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import { studyCacheTag } from './study-cache.js';
import type { StudyDesign } from './study-design.js';
import { StudyDirectory } from './study-directory.js';

export const studyNotFound = (protocolId: string): NotFoundException => new NotFoundException(`No study ${protocolId}`);

/** A change to a study as it is audited: what changed (old and new), why. */
export function studyEvent(action: string, protocolId: string, changes: AuditEventInput['changes'], reason?: string): AuditEventInput {
  return { action, entityType: 'study', entityId: protocolId, changes, reason: reason ?? null };
}

/** Changing a whole study (not one site of it) is for users of every site. */
export function requireAllSites(user: AuthenticatedUser): void {
  if (isSiteLimited(user)) {
    throw new ForbiddenException(`Changing a study's set-up needs a user of all sites; you are limited to ${user.siteIds.join(', ')}`);
  }
}

/**
 * Writes to a study's set-up: one transaction (the EDC's write path, audited in it) that first
 * locks the study's row, so concurrent changes to one study apply one after the other, each
 * checked against what the one before left; store-vitals waits for them too (see StudyRules).
 * Cached reads of the study are invalidated after commit.
 */
@Injectable()
export class StudyWrites {
  constructor(
    private readonly changes: ClinicalChanges,
    private readonly directory: StudyDirectory,
    private readonly cache: CacheService,
  ) {}

  async change<T>(
    actor: AuditActor,
    protocolId: string,
    work: (db: EntityManager, study: StudyDesign, audit: (event: AuditEventInput) => void) => Promise<T>,
  ): Promise<T> {
    const tags = [studyCacheTag(protocolId)];
    const result = await this.changes.write(actor, async (db, effects) => {
      const locked: unknown[] = await db.query(`SELECT 1 FROM studies WHERE protocol_id = $1 FOR UPDATE`, [protocolId]);
      if (locked.length === 0) throw studyNotFound(protocolId);
      const study = (await this.directory.findOne(db, protocolId)) as StudyDesign;
      const answer = await work(db, study, (event) => effects.audit(event));
      await this.cache.recordInvalidation(db, tags);
      return answer;
    });
    await this.cache.invalidateTags(tags, { recordedInTransaction: true });
    return result;
  }

  /** Whether the platform has randomized any subject of the study: its arms and randomization settings are then fixed. */
  async randomizationStarted(db: EntityManager, protocolId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM randomization_slots WHERE protocol_id = $1 LIMIT 1`, [protocolId]);
    return rows.length > 0;
  }
}
