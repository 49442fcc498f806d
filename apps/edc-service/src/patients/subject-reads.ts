import { Injectable } from '@nestjs/common';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import type { Patient } from './patient.entity.js';
import { PatientsService, SEVERAL_SUBJECTS, subjectNotFound } from './patients.service.js';
import { subjectCacheTag } from './subject-cache.js';

/** What a read about one subject answers with, so the site check and the read audit can find it. */
export interface SubjectScopedAnswer {
  patient_id: string;
  subject_id: string;
  site_id: string | null;
}

/** One kind of read about a subject: where it is cached, and how it is loaded for a found subject. */
export interface SubjectRead<T extends SubjectScopedAnswer> {
  cacheKey(subjectNumber: string, protocolId?: string): string;
  load(patient: Patient): Promise<T>;
}

/**
 * Reads about one subject (its vitals, its adverse events) served through the cache, which users
 * of every site share: loaded once for everyone and tagged with the subject, so never stale after
 * a write; the site checked after the cache (404 as for a missing subject); every read audited.
 */
@Injectable()
export class SubjectReads {
  constructor(
    private readonly patients: PatientsService,
    private readonly cache: CacheService,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async read<T extends SubjectScopedAnswer>(
    kind: SubjectRead<T>,
    subjectNumber: string,
    protocolId: string | undefined,
    user: AuthenticatedUser,
    actor: AuditActor,
  ): Promise<T> {
    const answer = await this.cache.readThrough(
      kind.cacheKey(subjectNumber, protocolId),
      async () => {
        const patient = await this.patients.resolveForAnyone(subjectNumber, protocolId);
        return patient === SEVERAL_SUBJECTS ? patient : kind.load(patient);
      },
      { tags: [subjectCacheTag(subjectNumber)] },
    );
    if (answer === SEVERAL_SUBJECTS) {
      // Which of them is meant depends on the user's sites: resolved per user, then read by protocol.
      const patient = await this.patients.resolve(subjectNumber, undefined, user);
      return this.read(kind, subjectNumber, patient.protocolId, user, actor);
    }
    // Checked after the cache, which is shared by users of every site.
    if (!mayAccessSite(user, answer.site_id)) throw subjectNotFound(subjectNumber, protocolId);
    this.readAudit.recordRead(actor, [{ subject: answer.subject_id, entityId: answer.patient_id }]);
    return answer;
  }
}
