import { Injectable, NotFoundException } from '@nestjs/common';
import { type AuditActor, type AuditEventInput, ReadAuditBuffer } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import type { Patient } from '../patients/patient.entity.js';
import { PatientsService } from '../patients/patients.service.js';
import { type SubjectRead, SubjectReads } from '../patients/subject-reads.js';
import { type AdverseEventFields, assertAdverseEventRules } from './adverse-event-fields.js';
import { type AdverseEventRow, toAdverseEventResponse } from './adverse-event.row.js';
import { AdverseEventsRepository } from './adverse-events.repository.js';
import type { AdverseEventResponse, SubjectAdverseEventsResponse } from './dto/adverse-event.response.js';

export const adverseEventsCacheKey = (subjectNumber: string, protocolId?: string): string =>
  `edc:adverse-events:${protocolId ?? '*'}:${subjectNumber}`;

/** The same answer for an event that does not exist and one of a subject the user may not see. */
export const adverseEventNotFound = (id: string): NotFoundException => new NotFoundException(`No adverse event ${id}`);

/** Adverse events per subject: recorded through the EDC's write path, read through the cache, every read audited. */
@Injectable()
export class AdverseEventsService {
  constructor(
    private readonly repository: AdverseEventsRepository,
    private readonly patients: PatientsService,
    private readonly changes: ClinicalChanges,
    private readonly reads: SubjectReads,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  private readonly events: SubjectRead<SubjectAdverseEventsResponse> = { cacheKey: adverseEventsCacheKey, load: (patient) => this.load(patient) };

  async create(
    subjectNumber: string,
    protocolId: string | undefined,
    event: AdverseEventFields,
    user: AuthenticatedUser,
    actor: AuditActor,
  ): Promise<AdverseEventResponse> {
    const patient = await this.patients.resolve(subjectNumber, protocolId, user);
    assertAdverseEventRules(event);
    const stored = await this.changes.write(actor, async (db, effects) => {
      const row = await this.repository.insert(db, patient.id, event);
      effects.audit(createdEvent(row, event));
      effects.touchSubject(patient.subjectNumber, patient.protocolId);
      return row;
    });
    return toAdverseEventResponse(stored);
  }

  list(subjectNumber: string, protocolId: string | undefined, user: AuthenticatedUser, actor: AuditActor): Promise<SubjectAdverseEventsResponse> {
    return this.reads.read(this.events, subjectNumber, protocolId, user, actor);
  }

  /** One event, also when entered in error (its history stays reachable); 404 outside the user's sites. */
  async get(id: string, user: AuthenticatedUser, actor: AuditActor): Promise<AdverseEventResponse> {
    const row = await this.repository.find(id);
    if (row === null || !mayAccessSite(user, row.site_id)) throw adverseEventNotFound(id);
    this.readAudit.recordRead(actor, [{ subject: row.subject_number, entityId: row.patient_id }]);
    return toAdverseEventResponse(row);
  }

  private async load(patient: Patient): Promise<SubjectAdverseEventsResponse> {
    const rows = await this.repository.listForPatient(patient.id);
    return {
      patient_id: patient.id,
      subject_id: patient.subjectNumber,
      protocol_id: patient.protocolId,
      site_id: patient.siteId,
      treatment_arm: patient.treatmentArm,
      adverse_events: rows.map(toAdverseEventResponse),
    };
  }
}

function createdEvent(row: AdverseEventRow, event: AdverseEventFields): AuditEventInput {
  return {
    action: 'create',
    entityType: 'adverse_event',
    entityId: row.id,
    subject: row.subject_number,
    changes: Object.fromEntries(Object.entries(event).map(([field, value]) => [field, { old: null, new: value }])),
  };
}
