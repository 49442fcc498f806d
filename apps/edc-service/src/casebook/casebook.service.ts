import { Injectable } from '@nestjs/common';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { PatientsService, SEVERAL_SUBJECTS, subjectNotFound } from '../patients/patients.service.js';
import { subjectCacheTag } from '../patients/subject-cache.js';
import { studyCacheTag } from '../studies/study-cache.js';
import { CasebookRepository } from './casebook.repository.js';
import type { CasebookResponse } from './dto/casebook.response.js';

const casebookCacheKey = (subjectNumber: string, protocolId: string): string => `edc:casebook:${protocolId}:${subjectNumber}`;
const subjectProtocolCacheKey = (subjectNumber: string): string => `edc:subject-protocol:${subjectNumber}`;

/**
 * One subject's casebook, read through the cache (shared by users of every site, so the site is
 * checked after it) and never stale: it is keyed by the subject's tag, which every write to the
 * subject bumps (ClinicalChanges), and by its study's tag, which every change to the study's
 * set-up (schedule, sites, arms, title) bumps. Every read is audited.
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
    const protocol = protocolId ?? (await this.protocolOf(subjectNumber));
    if (protocol === SEVERAL_SUBJECTS) {
      // Which of them is meant depends on the user's sites: resolved per user, then read by protocol.
      const patient = await this.patients.resolve(subjectNumber, undefined, user);
      return this.read(subjectNumber, patient.protocolId, user, actor);
    }
    const casebook = await this.cache.readThrough(casebookCacheKey(subjectNumber, protocol), () => this.load(subjectNumber, protocol), {
      tags: [subjectCacheTag(subjectNumber), studyCacheTag(protocol)],
    });
    if (!mayAccessSite(user, casebook.site_id)) throw subjectNotFound(subjectNumber, protocolId);
    this.readAudit.recordRead(actor, [{ subject: casebook.subject_id, entityId: casebook.patient_id }]);
    return casebook;
  }

  /**
   * The protocol of the one subject with this number, or SEVERAL_SUBJECTS; cached under the
   * subject's tag, which creating a subject with this number in any protocol bumps.
   */
  private protocolOf(subjectNumber: string): Promise<string> {
    return this.cache.readThrough(
      subjectProtocolCacheKey(subjectNumber),
      async () => {
        const patient = await this.patients.resolveForAnyone(subjectNumber);
        return patient === SEVERAL_SUBJECTS ? patient : patient.protocolId;
      },
      { tags: [subjectCacheTag(subjectNumber)] },
    );
  }

  private async load(subjectNumber: string, protocolId: string): Promise<CasebookResponse> {
    const patient = await this.patients.resolveForAnyone(subjectNumber, protocolId);
    if (patient === SEVERAL_SUBJECTS) throw new Error(`several subjects ${subjectNumber} in protocol ${protocolId}, which its unique key forbids`);
    const casebook = await this.casebooks.load(patient.id);
    if (!casebook) throw subjectNotFound(subjectNumber, protocolId);
    return casebook;
  }
}
