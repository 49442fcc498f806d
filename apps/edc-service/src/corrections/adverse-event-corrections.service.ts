import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, ReadAuditBuffer, recordVersions } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import type { AdverseEventFields } from '../adverse-events/adverse-event-fields.js';
import { ADVERSE_EVENT_SELECT, type AdverseEventRow, toAdverseEventResponse } from '../adverse-events/adverse-event.row.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import { ADVERSE_EVENT_FIELDS, applyAdverseEventCorrection } from './adverse-event-correction.js';
import { type ClinicalRecordType, historyHeader, markEnteredInError, readWithEvents } from './clinical-record.js';
import type { CorrectAdverseEventDto } from './dto/correct-adverse-event.dto.js';
import type { EnteredInErrorDto } from './dto/reason.js';
import type { AdverseEventHistoryResponse } from './dto/record-history.response.js';
import { isoTimestamp, recordNotFound } from './record-lookup.js';

const ENTITY_TYPE: ClinicalRecordType = 'adverse_event';
const HISTORY_FIELDS = [...ADVERSE_EVENT_FIELDS, 'entered_in_error_at', 'entered_in_error_reason'];

/**
 * Corrections of adverse events (with a reason, audited by the database with old and new values),
 * entered-in-error, and each event's history from the audit trail. Site-scoped through the
 * event's subject: an event the user may not see answers 404 like a missing one.
 */
@Injectable()
export class AdverseEventCorrectionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly changes: ClinicalChanges,
    private readonly readAudit: ReadAuditBuffer,
  ) {}

  async correct(id: string, dto: CorrectAdverseEventDto, user: AuthenticatedUser, actor: AuditActor): Promise<AdverseEventHistoryResponse> {
    await this.changes.change({ actor, reason: dto.reason, action: 'correct' }, async (db, effects) => {
      const stored = await this.findVisible(db, id, user, true);
      if (stored.entered_in_error_at !== null) {
        throw new NotFoundException(`Adverse event ${id} was entered in error: it cannot be corrected (its history: GET /edc/adverse-events/${id}/history)`);
      }
      const { values } = applyAdverseEventCorrection(fieldsOf(stored), dto);
      await db.query(
        `UPDATE adverse_events
            SET term = $2, body_system = $3, onset_date = $4, end_date = $5, severity_grade = $6, serious = $7,
                relationship = $8, outcome = $9, action_taken = $10, updated_at = now()
          WHERE id = $1`,
        [
          id,
          values.term,
          values.body_system,
          values.onset_date,
          values.end_date,
          values.severity_grade,
          values.serious,
          values.relationship,
          values.outcome,
          values.action_taken,
        ],
      );
      effects.touchSubject(stored.subject_number, stored.protocol_id);
    });
    return this.history(id, user, actor);
  }

  async markEnteredInError(id: string, dto: EnteredInErrorDto, user: AuthenticatedUser, actor: AuditActor): Promise<AdverseEventHistoryResponse> {
    await this.changes.change({ actor, reason: dto.reason, action: 'entered_in_error' }, async (db, effects) =>
      markEnteredInError(db, effects, ENTITY_TYPE, id, await this.findVisible(db, id, user, true), dto.reason),
    );
    return this.history(id, user, actor);
  }

  /** Every version of the event from the audit trail, entered in error or not; an audited read. */
  async history(id: string, user: AuthenticatedUser, actor: AuditActor): Promise<AdverseEventHistoryResponse> {
    const [stored, events] = await readWithEvents(this.dataSource, ENTITY_TYPE, id, (db) => this.findVisible(db, id, user, false));
    const current = { ...fieldsOf(stored), entered_in_error_at: isoTimestamp(stored.entered_in_error_at), entered_in_error_reason: stored.entered_in_error_reason };
    const versions = recordVersions(events, current, {
      fields: HISTORY_FIELDS,
      createdAt: stored.created_at.toISOString(),
      normalize: (field, value) => (field === 'entered_in_error_at' ? isoTimestamp(value) : value),
    });
    this.readAudit.recordRead(actor, [{ subject: stored.subject_number, entityId: stored.patient_id }]);
    return { ...historyHeader(stored), adverse_event: toAdverseEventResponse(stored), versions };
  }

  private async findVisible(db: EntityManager, id: string, user: AuthenticatedUser, forUpdate: boolean): Promise<StoredAdverseEvent> {
    const select = ADVERSE_EVENT_SELECT.replace('SELECT a.id,', 'SELECT p.treatment_arm, a.id,');
    const rows = (await db.query(`${select} WHERE a.id = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`, [id])) as StoredAdverseEvent[];
    const stored = rows[0];
    if (!stored || !mayAccessSite(user, stored.site_id)) throw recordNotFound('adverse event', id);
    return stored;
  }
}

interface StoredAdverseEvent extends AdverseEventRow {
  treatment_arm: string | null;
}

function fieldsOf(row: AdverseEventRow): AdverseEventFields {
  return Object.fromEntries(ADVERSE_EVENT_FIELDS.map((field) => [field, row[field]])) as unknown as AdverseEventFields;
}
