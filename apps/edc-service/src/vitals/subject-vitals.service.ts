import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CacheService, VitalSign } from '../../../../libs/database/src/index.js';
import { PatientsService } from '../patients/patients.service.js';
import { subjectCacheTag, vitalsCacheKey } from '../patients/subject-cache.js';
import { type SubjectVitalsResponse, toVitalSignResponse } from './dto/subject-vitals.response.js';

/** A subject's vitals in visit order, read through the cache and never stale after a store. */
@Injectable()
export class SubjectVitalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patients: PatientsService,
    private readonly cache: CacheService,
  ) {}

  read(subjectNumber: string, protocolId?: string): Promise<SubjectVitalsResponse> {
    return this.cache.readThrough(vitalsCacheKey(subjectNumber, protocolId), () => this.load(subjectNumber, protocolId), {
      tags: [subjectCacheTag(subjectNumber)],
    });
  }

  private async load(subjectNumber: string, protocolId?: string): Promise<SubjectVitalsResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId);
    const vitals = await this.dataSource
      .getRepository(VitalSign)
      .createQueryBuilder('v')
      .where('v.patient_id = :patientId', { patientId: patient.id })
      .orderBy('v.visit_date', 'ASC', 'NULLS LAST')
      .addOrderBy('v.measurement_time', 'ASC', 'NULLS LAST')
      .addOrderBy('v.created_at', 'ASC')
      .getMany();
    return {
      subject_id: patient.subjectNumber,
      protocol_id: patient.protocolId,
      treatment_arm: patient.treatmentArm,
      vitals: vitals.map(toVitalSignResponse),
    };
  }
}
