import { BadRequestException, NotFoundException, ParseUUIDPipe } from '@nestjs/common';

export const LOCKED = 'The data is locked (the message names who locked it and when): unlock it with a reason first; nothing changed';

/** A record id in a path: a UUID, or 400 naming the parameter. */
export const recordIdPipe = (parameter: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${parameter} must be a UUID`) });

/** The same answer for a record that does not exist and one whose subject is at a site the user may not see. */
export function recordNotFound(kind: string, id: string): NotFoundException {
  return new NotFoundException(`No ${kind} ${id}`);
}

/** Timestamps from rows and from the audit trail (written in the session's time zone) as ISO 8601 in UTC. */
export function isoTimestamp(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return value;
}

/** SQLSTATE of a unique-index violation. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
  return code === UNIQUE_VIOLATION;
}
