import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type FindOptionsWhere, In } from 'typeorm';
import { type AuditActor, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, isSiteLimited, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { Patient } from './patient.entity.js';
import type { Page } from '../../../../libs/platform/src/index.js';
import type { ListPatientsQuery } from './dto/list-patients.query.js';
import { type PatientResponse, toPatientResponse } from './dto/patient.response.js';

/** The same answer for a subject that does not exist and one at a site the user may not see. */
export function subjectNotFound(subjectNumber: string, protocolId?: string): NotFoundException {
  return new NotFoundException(`No subject ${subjectNumber}${protocolId ? ` in protocol ${protocolId}` : ''}`);
}

/** A subject number used in several protocols: which one a user means depends on their sites. */
export const SEVERAL_SUBJECTS = 'several subjects';

/** Subjects as a user may see them: only their sites' subjects when they are limited to sites; every read audited. */
@Injectable()
export class PatientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async list(query: ListPatientsQuery, user: AuthenticatedUser, actor: AuditActor): Promise<Page<PatientResponse>> {
    const page = { limit: query.limit, offset: query.offset };
    if (query.siteId && !mayAccessSite(user, query.siteId)) return { data: [], page: { ...page, total: 0 } };
    const where: FindOptionsWhere<Patient> = {};
    if (query.siteId) where.siteId = query.siteId;
    else if (isSiteLimited(user)) where.siteId = In(user.siteIds);
    if (query.protocolId) where.protocolId = query.protocolId;
    if (query.treatmentArm) where.treatmentArm = query.treatmentArm;
    const [patients, total] = await this.dataSource.getRepository(Patient).findAndCount({
      where,
      order: { protocolId: 'ASC', subjectNumber: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    this.readAudit.recordRead(actor, patients.map((patient) => ({ subject: patient.subjectNumber, entityId: patient.id })));
    return { data: patients.map(toPatientResponse), page: { ...page, total } };
  }

  async get(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<PatientResponse> {
    const patient = await this.resolve(subjectNumber, protocolId, user);
    this.readAudit.recordRead(actor, [{ subject: patient.subjectNumber, entityId: patient.id }]);
    return toPatientResponse(patient);
  }

  /**
   * Finds a subject by number among those the user may see; the protocol is needed only when the
   * number is used in several of them. Subjects at other sites are neither counted nor named.
   */
  async resolve(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser): Promise<Patient> {
    const matches = await this.find(subjectNumber, protocolId, isSiteLimited(user) ? user.siteIds : undefined);
    if (matches.length === 0) throw subjectNotFound(subjectNumber, protocolId);
    if (matches.length > 1) {
      const protocols = matches.map((patient) => patient.protocolId).join(', ');
      throw new ConflictException(`Subject ${subjectNumber} exists in several protocols (${protocols}); add ?protocolId=`);
    }
    return matches[0];
  }

  /**
   * For what is loaded once for every user (the cache): the one subject with this number, or
   * SEVERAL_SUBJECTS when the number is used in several protocols, to resolve per user with
   * `resolve`. The caller checks the subject's site.
   */
  async resolveForAnyone(subjectNumber: string, protocolId?: string): Promise<Patient | typeof SEVERAL_SUBJECTS> {
    const matches = await this.find(subjectNumber, protocolId, undefined, 2);
    if (matches.length === 0) throw subjectNotFound(subjectNumber, protocolId);
    return matches.length > 1 ? SEVERAL_SUBJECTS : matches[0];
  }

  private find(subjectNumber: string, protocolId: string | undefined, siteIds: string[] | undefined, take = 20): Promise<Patient[]> {
    const where: FindOptionsWhere<Patient> = { subjectNumber };
    if (protocolId) where.protocolId = protocolId;
    if (siteIds) where.siteId = In(siteIds);
    return this.dataSource.getRepository(Patient).find({ where, order: { protocolId: 'ASC' }, take });
  }
}
