/**
 * The account character set: ASCII only, so that lower-casing is the same in JavaScript (sign-in
 * counting) and in PostgreSQL (`lower(username)` lookups): one spelling names one account everywhere.
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

export const USERNAME_RULE = 'username must be 3-64 letters, digits, dots, dashes or underscores';

export function isAccountUsername(username: string): boolean {
  return USERNAME_PATTERN.test(username);
}
