/** What a client is told to wait before retrying when the database cannot be reached, in seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** SQLSTATE classes and codes that mean "the database cannot serve now", not "the request is wrong". */
const UNAVAILABLE_SQLSTATES = [
  /^08/, // connection exceptions
  /^57P0[1-4]$/, // admin or crash shutdown, cannot connect now, database dropped
  /^53300$/, // too many connections
  /^57014$/, // query cancelled: statement_timeout or a client-side cancel
  /^25P03$/, // idle_in_transaction_session_timeout
];
const UNAVAILABLE_NODE_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'];
/** Messages of the pg driver and pool, which carry no code. */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Query read timeout/i,
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /the database system is (starting up|shutting down)/i,
  // SQLSTATE 55000, which also names unrelated states: only this message of it.
  /is not currently accepting connections/i,
];

interface DriverErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: DriverErrorLike;
}

/** Whether an error (TypeORM's wrapper, the pg driver's or the pool's) means the database is unreachable or hung. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const candidates = [error as DriverErrorLike, (error as DriverErrorLike).driverError].filter(Boolean) as DriverErrorLike[];
  return candidates.some(({ code, message }) => {
    if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.includes(code) || UNAVAILABLE_SQLSTATES.some((pattern) => pattern.test(code)))) return true;
    return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
  });
}
