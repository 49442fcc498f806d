import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type FindOptionsWhere } from 'typeorm';
import { Patient } from '../../../../libs/database/src/index.js';
import type { ListPatientsQuery } from './dto/list-patients.query.js';
import { type Page, type PatientResponse, toPatientResponse } from './dto/patient.response.js';

@Injectable()
export class PatientsService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: ListPatientsQuery): Promise<Page<PatientResponse>> {
    const where: FindOptionsWhere<Patient> = {};
    if (query.siteId) where.siteId = query.siteId;
    if (query.protocolId) where.protocolId = query.protocolId;
    if (query.treatmentArm) where.treatmentArm = query.treatmentArm;
    const [patients, total] = await this.dataSource.getRepository(Patient).findAndCount({
      where,
      order: { protocolId: 'ASC', subjectNumber: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { data: patients.map(toPatientResponse), page: { limit: query.limit, offset: query.offset, total } };
  }

  async get(subjectNumber: string, protocolId?: string): Promise<PatientResponse> {
    return toPatientResponse(await this.resolve(subjectNumber, protocolId));
  }

  /** Finds a subject by number; the protocol is needed only when the number is used in several. */
  async resolve(subjectNumber: string, protocolId?: string): Promise<Patient> {
    const matches = await this.dataSource.getRepository(Patient).find({
      where: protocolId ? { subjectNumber, protocolId } : { subjectNumber },
      take: 20,
    });
    if (matches.length === 0) {
      throw new NotFoundException(`No subject ${subjectNumber}${protocolId ? ` in protocol ${protocolId}` : ''}`);
    }
    if (matches.length > 1) {
      const protocols = matches.map((patient) => patient.protocolId).join(', ');
      throw new ConflictException(`Subject ${subjectNumber} exists in several protocols (${protocols}); add ?protocolId=`);
    }
    return matches[0];
  }
}
