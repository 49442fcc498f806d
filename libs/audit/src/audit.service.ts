import { BadRequestException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AuditActor, type AuditEventInput, CHANGE_ACTIONS, CLINICAL_ENTITIES } from './audit-event.js';

/**
 * Writes audit events inside the caller's transaction, so a change and its audit record commit
 * or roll back together. One multi-row INSERT however many events, without waiting on other
 * writers; the database refuses later edits, and AuditSealer links the events into the hash chain.
 */
@Injectable()
export class AuditService {
  async record(db: EntityManager, actor: AuditActor, events: AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) {
      if (CLINICAL_ENTITIES.includes(event.entityType) && CHANGE_ACTIONS.includes(event.action) && !event.reason?.trim()) {
        throw new BadRequestException(`A reason for change is required to ${event.action} a ${event.entityType}`);
      }
    }
    await db.query(
      `INSERT INTO audit_events (user_id, username, role, client_address, request_id,
                                 action, entity_type, entity_id, subject, changes, reason)
       SELECT $1, $2, $3, $4, $5, e.action, e.entity_type, e.entity_id, e.subject, e.changes, e.reason
         FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::text[])
              AS e(action, entity_type, entity_id, subject, changes, reason)`,
      [
        actor.userId,
        actor.username,
        actor.role,
        actor.clientAddress,
        actor.requestId,
        events.map((e) => e.action),
        events.map((e) => e.entityType),
        events.map((e) => e.entityId ?? null),
        events.map((e) => e.subject ?? null),
        events.map((e) => (e.changes ? JSON.stringify(e.changes) : null)),
        events.map((e) => e.reason ?? null),
      ],
    );
  }
}
