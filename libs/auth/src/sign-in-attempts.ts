/**
 * The cache window counting an account's failed password checks: sign-in and password
 * re-confirmation (e-signatures) count into the same one, so guesses through either route reach
 * the one lock (LOGIN_MAX_FAILURES per LOGIN_LOCK_SECONDS) that an admin's unlock lifts.
 * Account names are ASCII, where JavaScript and PostgreSQL lower-case alike.
 */
export const accountSignInAttemptsKey = (username: string): string => `auth:login-attempts:account:${username.toLowerCase()}`;
