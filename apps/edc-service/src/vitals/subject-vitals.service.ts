import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import type { Patient } from '../patients/patient.entity.js';
import { vitalsCacheKey } from '../patients/subject-cache.js';
import { type SubjectRead, SubjectReads } from '../patients/subject-reads.js';
import { VitalSign } from './vital-sign.entity.js';
import { type SubjectVitalsResponse, toVitalSignResponse } from './dto/subject-vitals.response.js';

/** A subject's vitals in visit order, read through the cache, never stale after a store, and audited. */
@Injectable()
export class SubjectVitalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: SubjectReads,
  ) {}

  private readonly vitals: SubjectRead<SubjectVitalsResponse> = { cacheKey: vitalsCacheKey, load: (patient) => this.load(patient) };

  read(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectVitalsResponse> {
    return this.reads.read(this.vitals, subjectNumber, protocolId, user, actor);
  }

  private async load(patient: Patient): Promise<SubjectVitalsResponse> {
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
