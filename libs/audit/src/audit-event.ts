import { isIP } from 'node:net';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedUser } from '../../auth/src/index.js';
import { requestIdOf } from '../../request-context/src/index.js';

/** Who did it and from where: taken from the authenticated request. */
export interface AuditActor {
  userId: string | null;
  username: string | null;
  role: string | null;
  clientAddress: string | null;
  requestId: string | null;
}

export interface FieldChange {
  old: unknown;
  new: unknown;
}

/** What happened. `changes` holds each changed field's old and new value. */
export interface AuditEventInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  /** The subject (patient) the event concerns, for "who touched this subject?" searches. */
  subject?: string | null;
  changes?: Record<string, FieldChange> | null;
  reason?: string | null;
}

export const CLINICAL_ENTITIES = ['patient', 'vital_sign', 'adverse_event'];
export const CHANGE_ACTIONS = ['update', 'correct', 'delete'];

export function actorFrom(request: Request & { user?: AuthenticatedUser }, fallback?: Partial<AuditActor>): AuditActor {
  const user = request.user;
  return clampActor({
    userId: user?.id ?? fallback?.userId ?? null,
    username: user?.username ?? fallback?.username ?? null,
    role: user?.roles.join(',') ?? fallback?.role ?? null,
    clientAddress: clientAddressOf(request.ip),
    requestId: requestIdOf(request) ?? null,
  });
}

/**
 * The client address as an IP address, or null: behind a trusted proxy `request.ip` is whatever
 * the proxy's X-Forwarded-For said, and an audit event must never fail on what a client sent.
 */
export function clientAddressOf(ip: string | undefined): string | null {
  // IPv4 clients of a dual-stack server appear as ::ffff:a.b.c.d.
  const address = ip?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return address && isIP(address) !== 0 ? address : null;
}

/** The widths of the actor's columns in `audit_events` (see the migrations). */
const ACTOR_COLUMN_WIDTHS = { username: 64, role: 200, clientAddress: 64, requestId: 128 } as const;

/** The actor cut to what its columns hold, so no actor can make the database refuse an event. */
export function clampActor(actor: AuditActor): AuditActor {
  const clamped = { ...actor };
  for (const [field, width] of Object.entries(ACTOR_COLUMN_WIDTHS) as Array<[keyof typeof ACTOR_COLUMN_WIDTHS, number]>) {
    const value = clamped[field];
    if (value !== null && value.length > width) clamped[field] = value.slice(0, width);
  }
  return clamped;
}

/** The fields whose values differ, as `{ field: { old, new } }`; secrets are shown as "(changed)". */
export function fieldChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  secretFields: string[] = [],
): Record<string, FieldChange> {
  const changes: Record<string, FieldChange> = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    const old = before?.[field] ?? null;
    const next = after?.[field] ?? null;
    if (JSON.stringify(old) === JSON.stringify(next)) continue;
    changes[field] = secretFields.includes(field) ? { old: old === null ? null : '(hidden)', new: '(changed)' } : { old, new: next };
  }
  return changes;
}

/** The request's actor (user, client address, request id), for the audit trail. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): AuditActor =>
  actorFrom(context.switchToHttp().getRequest()),
);
