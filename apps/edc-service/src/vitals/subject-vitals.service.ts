import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { CacheService } from '../../../../libs/database/src/index.js';
import { VitalSign } from './vital-sign.entity.js';
import { PatientsService, SEVERAL_SUBJECTS, subjectNotFound } from '../patients/patients.service.js';
import { subjectCacheTag, vitalsCacheKey } from '../patients/subject-cache.js';
import { type SubjectVitalsResponse, toVitalSignResponse } from './dto/subject-vitals.response.js';

/** A subject's vitals in visit order, read through the cache, never stale after a store, and audited. */
@Injectable()
export class SubjectVitalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly cache: CacheService,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async read(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectVitalsResponse> {
    const vitals = await this.cache.readThrough(vitalsCacheKey(subjectNumber, protocolId), () => this.load(subjectNumber, protocolId), {
      tags: [subjectCacheTag(subjectNumber)],
    });
    if (vitals === SEVERAL_SUBJECTS) {
      // Which of them is meant depends on the user's sites: resolved per user, then read by protocol.
      const patient = await this.patients.resolve(subjectNumber, undefined, user);
      return this.read(subjectNumber, patient.protocolId, user, actor);
    }
    // Checked after the cache, which is shared by users of every site.
    if (!mayAccessSite(user, vitals.site_id)) throw subjectNotFound(subjectNumber, protocolId);
    this.readAudit.recordRead(actor, [{ subject: vitals.subject_id, entityId: vitals.patient_id }]);
    return vitals;
  }

  private async load(subjectNumber: string, protocolId?: string): Promise<SubjectVitalsResponse | typeof SEVERAL_SUBJECTS> {
    const patient = await this.patients.resolveForAnyone(subjectNumber, protocolId);
    if (patient === SEVERAL_SUBJECTS) return patient;
    const vitals = await this.dataSource
      .getRepository(VitalSign)
      .createQueryBuilder('v')
      .where('v.patient_id = :patientId', { patientId: patient.id })
      .andWhere('v.entered_in_error_at IS NULL')
      .orderBy('v.visit_date', 'ASC', 'NULLS LAST')
      .addOrderBy('v.measurement_time', 'ASC', 'NULLS LAST')
      .addOrderBy('v.created_at', 'ASC')
      .getMany();
    return {
      patient_id: patient.id,
      subject_id: patient.subjectNumber,
      protocol_id: patient.protocolId,
      site_id: patient.siteId,
      treatment_arm: patient.treatmentArm,
      vitals: vitals.map(toVitalSignResponse),
    };
  }
}
