import { Injectable } from '@nestjs/common';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { PatientsService, SEVERAL_SUBJECTS, subjectNotFound } from '../patients/patients.service.js';
import { subjectCacheTag } from '../patients/subject-cache.js';
import { CasebookRepository } from './casebook.repository.js';
import type { CasebookResponse } from './dto/casebook.response.js';

const casebookCacheKey = (subjectNumber: string, protocolId?: string): string => `edc:casebook:${protocolId ?? '*'}:${subjectNumber}`;

/**
 * One subject's casebook, read through the cache (shared by users of every site, so the site is
 * checked after it), never stale: every write to a subject touches its cache tag (ClinicalChanges).
 * Every read is audited.
 */
@Injectable()
export class CasebookService {
  constructor(
    private readonly patients: PatientsService,
    private readonly casebooks: CasebookRepository,
    private readonly cache: CacheService,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async read(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<CasebookResponse> {
    const casebook = await this.cache.readThrough(casebookCacheKey(subjectNumber, protocolId), () => this.load(subjectNumber, protocolId), {
      tags: [subjectCacheTag(subjectNumber)],
    });
    if (casebook === SEVERAL_SUBJECTS) {
      // Which of them is meant depends on the user's sites: resolved per user, then read by protocol.
      const patient = await this.patients.resolve(subjectNumber, undefined, user);
      return this.read(subjectNumber, patient.protocolId, user, actor);
    }
    if (!mayAccessSite(user, casebook.site_id)) throw subjectNotFound(subjectNumber, protocolId);
    this.readAudit.recordRead(actor, [{ subject: casebook.subject_id, entityId: casebook.patient_id }]);
    return casebook;
  }

  private async load(subjectNumber: string, protocolId?: string): Promise<CasebookResponse | typeof SEVERAL_SUBJECTS> {
    const patient = await this.patients.resolveForAnyone(subjectNumber, protocolId);
    if (patient === SEVERAL_SUBJECTS) return patient;
    const casebook = await this.casebooks.load(patient.id);
    if (!casebook) throw subjectNotFound(subjectNumber, protocolId);
    return casebook;
  }
}
