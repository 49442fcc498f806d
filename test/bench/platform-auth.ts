import { randomBytes } from 'node:crypto';

/**
 * Authentication is the one thing that differs between platform versions, so it lives here.
 * `platformAuthEnv` is added to the platform's environment: secrets made up for this run, which a
 * platform without login ignores (unknown variables are skipped by its config loader).
 */
export interface BenchCredentials {
  username: string;
  password: string;
}

export function benchCredentials(): BenchCredentials {
  // Letters and digits, never containing the username: the first-admin password policy.
  return { username: 'admin', password: `Bench1-${randomBytes(18).toString('hex')}` };
}

export function platformAuthEnv(credentials: BenchCredentials): Record<string, string> {
  return {
    // Production refuses to start with its development default.
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_ANCHOR_SECRET: randomBytes(32).toString('hex'),
    // The first admin is created with this password when the users table is empty (a fresh database).
    ADMIN_PASSWORD: credentials.password,
  };
}

/**
 * Headers every request to the platform carries (ingestion, cache warming, the read load and its
 * bare twin), built once per run. Signs in when the platform has a login route; a platform
 * without one (404) gets no headers. The token outlives the run (15 minutes by default).
 */
export async function platformHeaders(origin: string, credentials: BenchCredentials): Promise<Record<string, string>> {
  const response = await fetch(`${origin}/security/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status === 404) return {};
  if (response.status !== 200) throw new Error(`login as ${credentials.username} answered ${response.status}: ${text.slice(0, 300)}`);
  const { access_token: token } = JSON.parse(text) as { access_token?: string };
  if (!token) throw new Error('login answered 200 without an access_token');
  return { authorization: `Bearer ${token}` };
}
