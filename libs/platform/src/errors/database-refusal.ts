/**
 * Database errors that are the request's fault or a passing collision, not a server fault, and
 * what to answer for them. Rules the database enforces itself (a trigger refusing a write to locked
 * data) raise SQLSTATE `CT` + an HTTP status, with a message written for the person who sent the
 * request: `RAISE EXCEPTION '...' USING ERRCODE = 'CT409'`. Class `CT` is not used by PostgreSQL.
 */
const REFUSAL_SQLSTATE = /^CT(4\d\d)$/;

const KNOWN_SQLSTATES: Record<string, { statusCode: number; message: string }> = {
  // Deadlock, serialization failure: the transaction was rolled back whole, so a retry is safe.
  '40P01': { statusCode: 503, message: 'The request collided with a concurrent change and was rolled back; nothing was stored. Send it again.' },
  '40001': { statusCode: 503, message: 'The request collided with a concurrent change and was rolled back; nothing was stored. Send it again.' },
  // Text PostgreSQL cannot store (the NUL character) or convert.
  '22021': { statusCode: 400, message: 'The request holds characters the database cannot store (such as the NUL character); nothing was stored' },
  '22P05': { statusCode: 400, message: 'The request holds characters the database cannot store (such as the NUL character); nothing was stored' },
};

interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: DriverErrorLike;
}

/** The status and message for a database error that is not a server fault, if the error is one. */
export function databaseRefusalOf(error: unknown): { statusCode: number; message: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  for (const candidate of [error as DriverErrorLike, (error as DriverErrorLike).driverError]) {
    if (typeof candidate?.code !== 'string') continue;
    const match = REFUSAL_SQLSTATE.exec(candidate.code);
    if (match && typeof candidate.message === 'string') return { statusCode: Number(match[1]), message: candidate.message };
    if (KNOWN_SQLSTATES[candidate.code]) return KNOWN_SQLSTATES[candidate.code];
  }
  return undefined;
}
