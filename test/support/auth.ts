import request from 'supertest';

export const TEST_ADMIN_PASSWORD = 'first-owner-password-42';

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function login(baseUrl: string, username: string, password: string): Promise<Session> {
  const response = await request(baseUrl).post('/security/auth/login').send({ username, password });
  if (response.status !== 200) throw new Error(`login as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { accessToken: response.body.access_token, refreshToken: response.body.refresh_token };
}

/** A supertest client that sends the given access token with every request. */
export function asUser(baseUrl: string, token: string) {
  const header = { Authorization: `Bearer ${token}` };
  return {
    get: (path: string) => request(baseUrl).get(path).set(header),
    post: (path: string) => request(baseUrl).post(path).set(header),
    patch: (path: string) => request(baseUrl).patch(path).set(header),
    put: (path: string) => request(baseUrl).put(path).set(header),
    delete: (path: string) => request(baseUrl).delete(path).set(header),
  };
}

export type Client = ReturnType<typeof asUser>;

/** Creates a user through the API (as admin) and signs in as them; naming neither `site_ids` nor `all_sites`, a user of every site. */
export async function createUser(
  baseUrl: string,
  admin: Client,
  user: { username: string; roles: string[]; site_ids?: string[]; all_sites?: boolean; password?: string },
): Promise<{ id: string; client: Client; session: Session; password: string }> {
  const password = user.password ?? 'correct-horse-battery-9';
  const sites = user.site_ids || user.all_sites !== undefined ? {} : { all_sites: true };
  const created = await admin.post('/security/users').send({ ...user, ...sites, password });
  if (created.status !== 201) throw new Error(`creating ${user.username} failed: ${created.status} ${JSON.stringify(created.body)}`);
  const session = await login(baseUrl, user.username, password);
  return { id: created.body.id, client: asUser(baseUrl, session.accessToken), session, password };
}
