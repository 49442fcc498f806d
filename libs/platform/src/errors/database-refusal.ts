/**
 * Rules the database enforces itself (a trigger refusing a write to locked data) raise SQLSTATE
 * `CT` + an HTTP status, with a message written for the person who sent the request:
 * `RAISE EXCEPTION '...' USING ERRCODE = 'CT409'`. Class `CT` is not used by PostgreSQL.
 */
const REFUSAL_SQLSTATE = /^CT(4\d\d)$/;

interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: DriverErrorLike;
}

/** The status and message of a refusal raised by the database's own rules, if the error is one. */
export function databaseRefusalOf(error: unknown): { statusCode: number; message: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  for (const candidate of [error as DriverErrorLike, (error as DriverErrorLike).driverError]) {
    const match = typeof candidate?.code === 'string' ? REFUSAL_SQLSTATE.exec(candidate.code) : null;
    if (match && typeof candidate?.message === 'string') return { statusCode: Number(match[1]), message: candidate.message };
  }
  return undefined;
}
