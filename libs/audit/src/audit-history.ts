import type { FieldChange } from './audit-event.js';

/** Anything that runs SQL: a DataSource, or an EntityManager inside a transaction. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** One audit event about a record, as the trail holds it. */
export interface AuditHistoryEvent {
  seq: number;
  occurredAt: string;
  action: string;
  userId: string | null;
  username: string | null;
  role: string | null;
  reason: string | null;
  changes: Record<string, FieldChange> | null;
}

interface AuditHistoryRow {
  seq: string;
  occurred_at: Date;
  action: string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  reason: string | null;
  changes: Record<string, FieldChange> | null;
}

/** Every event that created or changed one record, oldest first (reads are not versions). */
export async function readRecordEvents(db: SqlRunner, entityType: string, entityId: string): Promise<AuditHistoryEvent[]> {
  const rows = (await db.query(
    `SELECT seq, occurred_at, action, user_id, username, role, reason, changes
       FROM audit_events
      WHERE entity_type = $1 AND entity_id = $2 AND action <> 'read'
      ORDER BY seq`,
    [entityType, entityId],
  )) as AuditHistoryRow[];
  return rows.map((row) => ({
    seq: Number(row.seq),
    occurredAt: row.occurred_at.toISOString(),
    action: row.action,
    userId: row.user_id,
    username: row.username,
    role: row.role,
    reason: row.reason,
    changes: row.changes,
  }));
}

/** One state of a record: what made it (who, when, why, which fields) and all its values after. */
export interface RecordVersion {
  version: number;
  action: string;
  at: string;
  /** Null only for a creation the trail does not hold (the record's own creation time is shown). */
  by: { user_id: string | null; username: string | null; role: string | null } | null;
  reason: string | null;
  changes: Array<{ field: string; old: unknown; new: unknown }>;
  values: Record<string, unknown>;
}

export interface VersionOptions {
  /** The fields a version shows; others (bookkeeping such as updated_at) are left out. */
  fields: readonly string[];
  /** The record's creation time, for a creation the trail does not hold. */
  createdAt: string;
  /** Makes values from the trail comparable with the current ones (e.g. timestamps as ISO strings). */
  normalize?: (field: string, value: unknown) => unknown;
}

/**
 * The versions of a record, oldest first, from its current values and its audit events: each
 * version's values are the current values with every later change undone, so a version is right
 * even when the creation event names only some fields or is missing (then a creation by an
 * unknown user is shown first).
 */
export function recordVersions(events: AuditHistoryEvent[], current: Record<string, unknown>, options: VersionOptions): RecordVersion[] {
  const normalize = options.normalize ?? ((_field: string, value: unknown) => value);
  const pick = (values: Record<string, unknown>) => Object.fromEntries(options.fields.map((field) => [field, normalize(field, values[field] ?? null)]));
  const ordered = [...events].sort((a, b) => a.seq - b.seq);
  let values = pick(current);
  const versions: Array<Omit<RecordVersion, 'version'>> = [];
  for (const event of ordered.reverse()) {
    const changes = options.fields
      .filter((field) => event.changes !== null && field in event.changes)
      .map((field) => {
        const change = (event.changes as Record<string, FieldChange>)[field];
        return { field, old: normalize(field, change.old ?? null), new: normalize(field, change.new ?? null) };
      });
    versions.unshift({
      action: event.action,
      at: event.occurredAt,
      by: { user_id: event.userId, username: event.username, role: event.role },
      reason: event.reason,
      changes,
      values,
    });
    if (event.action === 'create') break;
    values = { ...values, ...Object.fromEntries(changes.map((change) => [change.field, change.old])) };
  }
  if (versions[0]?.action !== 'create') {
    versions.unshift({
      action: 'create',
      at: options.createdAt,
      by: null,
      reason: null,
      changes: options.fields.filter((field) => values[field] !== null).map((field) => ({ field, old: null, new: values[field] })),
      values,
    });
  }
  return versions.map((version, index) => ({ version: index + 1, ...version }));
}
