import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { asUser, type Client, createUser, login, type Session, TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform, TEST_JWT_SECRET } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { EDC_ENDPOINTS } from './role-matrix/edc-endpoints.js';
import { GENERATION_ENDPOINTS } from './role-matrix/generation-endpoints.js';
import { QUALITY_ENDPOINTS } from './role-matrix/quality-endpoints.js';
import { ANALYTICS_ENDPOINTS } from './role-matrix/analytics-endpoints.js';
import {
  AUDITORS,
  CAPTURERS,
  type Endpoint,
  EVERYONE,
  type Known,
  METRICS_READERS,
  type Response,
  type Role,
  ROLES,
  USER_ADMINS,
} from './role-matrix/endpoint.js';

/**
 * Who may do what, and what keeps everyone else out: roles, tokens and sessions, the users admin,
 * sign-in throttling and site limits, as a client of the gateway sees them.
 */

const MODES = ['all-in-one', 'split'] as const;

const INVALID_LOGIN = 'Invalid username or password';
const PASSWORD_POLICY = 'Passwords need at least 12 characters, including a letter and a digit, and must not contain the username';
const ISSUER = 'clinical-trial-platform';
const AUDIENCE = 'clinical-trial-platform-api';

const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

const targetOf = (known: Known) => known.target!;

const ENDPOINTS: readonly Endpoint[] = [
  { route: 'GET /edc/patients', allowed: EVERYONE, status: 200, call: (c) => c.get('/edc/patients') },
  { route: 'GET /edc/patients/:subjectId', allowed: EVERYONE, status: 200, call: (c, k) => c.get(`/edc/patients/${k.subject}`) },
  { route: 'GET /edc/patients/:subjectId/vitals', allowed: EVERYONE, status: 200, call: (c, k) => c.get(`/edc/patients/${k.subject}/vitals`) },
  { route: 'GET /security/auth/me', allowed: EVERYONE, status: 200, call: (c) => c.get('/security/auth/me') },
  { route: 'POST /security/auth/logout', allowed: EVERYONE, status: 204, call: async (_c, k) => (await k.ownSession()).post('/security/auth/logout') },
  {
    route: 'POST /edc/store-vitals',
    allowed: CAPTURERS,
    status: 201,
    call: (c, k) => c.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: k.subject })] }),
    nothingDone: async (platform, attempt) => {
      await platform.admin.get(`/edc/patients/${attempt.subject}`).expect(404);
    },
  },
  { route: 'GET /security/users', allowed: USER_ADMINS, status: 200, call: (c) => c.get('/security/users') },
  {
    route: 'POST /security/users',
    allowed: USER_ADMINS,
    status: 201,
    call: (c, k) => c.post('/security/users').send({ username: k.subject, password: 'matrix-password-123', roles: ['monitor'], all_sites: true }),
    nothingDone: async (platform, attempt) => {
      const listed = await platform.admin.get('/security/users').query({ limit: 500 }).expect(200);
      expect(listed.body.data.map((u: { username: string }) => u.username)).not.toContain(attempt.subject);
    },
  },
  { route: 'GET /security/users/:id', allowed: USER_ADMINS, status: 200, needsTarget: true, call: (c, k) => c.get(`/security/users/${targetOf(k).id}`) },
  {
    route: 'PATCH /security/users/:id',
    allowed: USER_ADMINS,
    status: 200,
    needsTarget: true,
    call: (c, k) => c.patch(`/security/users/${targetOf(k).id}`).send({ roles: ['admin'], full_name: 'Changed by the matrix' }),
    nothingDone: async (platform, attempt) => {
      const user = await platform.admin.get(`/security/users/${targetOf(attempt).id}`).expect(200);
      expect(user.body).toMatchObject({ roles: ['monitor'], full_name: null });
    },
  },
  {
    route: 'POST /security/users/:id/deactivate',
    allowed: USER_ADMINS,
    status: 200,
    needsTarget: true,
    call: (c, k) => c.post(`/security/users/${targetOf(k).id}/deactivate`),
    nothingDone: async (_platform, attempt) => {
      const me = await targetOf(attempt).client.get('/security/auth/me').expect(200);
      expect(me.body.active).toBe(true);
    },
  },
  {
    route: 'POST /security/users/:id/reset-password',
    allowed: USER_ADMINS,
    status: 204,
    needsTarget: true,
    call: (c, k) => c.post(`/security/users/${targetOf(k).id}/reset-password`).send({ password: 'chosen-by-the-matrix-1' }),
    nothingDone: async (platform, attempt) => {
      await targetOf(attempt).client.get('/security/auth/me').expect(200);
      expect((await signIn(platform, targetOf(attempt).username, 'chosen-by-the-matrix-1')).status).toBe(401);
    },
  },
  {
    route: 'POST /security/users/:id/unlock',
    allowed: USER_ADMINS,
    status: 204,
    needsTarget: true,
    call: (c, k) => c.post(`/security/users/${targetOf(k).id}/unlock`),
    nothingDone: async (platform, attempt) => {
      const events = await platform.admin.get('/security/audit/events').query({ entityType: 'user', entityId: targetOf(attempt).id, action: 'unlock' }).expect(200);
      expect(events.body.data).toEqual([]);
    },
  },
  { route: 'GET /security/audit/events', allowed: AUDITORS, status: 200, call: (c) => c.get('/security/audit/events') },
  { route: 'GET /security/audit/events/export', allowed: AUDITORS, status: 200, call: (c) => c.get('/security/audit/events/export') },
  { route: 'GET /security/audit/verify', allowed: AUDITORS, status: 200, call: (c) => c.get('/security/audit/verify') },
  { route: 'GET /security/audit/anchor', allowed: AUDITORS, status: 200, call: (c) => c.get('/security/audit/anchor') },
  {
    route: 'POST /security/audit/verify',
    allowed: AUDITORS,
    status: 200,
    call: async (c) => c.post('/security/audit/verify').send({ anchors: [(await c.get('/security/audit/anchor')).body] }),
  },
  { route: 'GET /metrics', allowed: METRICS_READERS, status: 200, call: (c) => c.get('/metrics') },
  ...EDC_ENDPOINTS,
  ...GENERATION_ENDPOINTS,
  ...QUALITY_ENDPOINTS,
  ...ANALYTICS_ENDPOINTS,
];

/** Routes that answer without a token: every other registered route must be in ENDPOINTS. */
const PUBLIC_ROUTES: readonly string[] = [
  'GET /health',
  ...['edc', 'generation', 'analytics', 'quality', 'security'].map((prefix) => `GET /${prefix}/health`),
  'POST /security/auth/login',
  'POST /security/auth/refresh',
  'POST /security/auth/validate',
  'GET /docs',
  'GET /docs-json',
];

/** Registered, but no API route: Nest's answer to unknown paths, and the files of the docs page. */
const NOT_API_ROUTES = /\{\/\*splat\}$|^GET \/docs(\/|-yaml)/;

/** Every `METHOD /path` the Nest application serves, read from its Express router. */
function registeredRoutes(app: INestApplication): string[] {
  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
  }
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${layer.route!.path}`)
      : [],
  );
}

interface MatrixCase {
  role: Role;
  verdict: string;
  endpoint: Endpoint;
  name: string;
}

const MATRIX: MatrixCase[] = ROLES.flatMap((role) =>
  ENDPOINTS.map((endpoint) => {
    const allowed = endpoint.allowed.includes(role);
    return { role, endpoint, name: endpoint.route, verdict: allowed ? `may call (${endpoint.status})` : 'is refused (403)' };
  }),
);

function expectRefusedFor(response: Response, needed: readonly Role[], role: Role): void {
  expect(response.status).toBe(403);
  expect(response.body.message).toMatch(/needs one of the roles/);
  for (const name of needed) expect(response.body.message).toContain(name);
  expect(response.body.message).toContain(`you have ${role}`);
}

/** The status, with the body's message beside it so that a failure shows what the platform said. */
function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

function expectUnauthorized(response: Response): void {
  expect(response.status).toBe(401);
  expect(typeof response.body.message).toBe('string');
  expect(response.body.message.length).toBeGreaterThan(0);
}

/** An HS256 token with the platform's issuer and audience, unless the options say otherwise. */
function forgeToken(payload: Record<string, unknown>, options: jwt.SignOptions = {}, secret: string = TEST_JWT_SECRET): string {
  return jwt.sign(payload, secret, { algorithm: 'HS256', issuer: ISSUER, audience: AUDIENCE, ...options });
}

/** A token with `alg: none` and no signature, built by hand as an attacker would. */
function unsignedToken(payload: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, ...payload })}.`;
}

function claimsOf(accessToken: string): { sub: string; sid: string } {
  const decoded = jwt.decode(accessToken) as jwt.JwtPayload;
  return { sub: decoded.sub as string, sid: decoded.sid as string };
}

const refresh = (platform: PlatformUnderTest, refreshToken: string) =>
  request(platform.baseUrl).post('/security/auth/refresh').send({ refresh_token: refreshToken });
const signIn = (platform: PlatformUnderTest, username: string, password: string) =>
  request(platform.baseUrl).post('/security/auth/login').send({ username, password });

describe.each(MODES)('access control (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  const users = new Map<Role, { id: string; username: string; password: string; client: Client; session: Session }>();
  let subject = '';

  beforeAll(async () => {
    platform = await startPlatform(mode);
    for (const role of ROLES) {
      const username = unique(`matrix-${role}`);
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: [role] });
      users.set(role, { ...user, username });
    }
    subject = newSubjectId('MX');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
  });
  afterAll(() => platform?.close());

  const as = (role: Role): Client => users.get(role)!.client;

  describe('role matrix through the gateway', () => {
    it.each(MATRIX)('$role $verdict $name', async ({ role, endpoint }) => {
      // Calls that create something get a name of their own; reads get the subject stored above.
      const attempt: Known = {
        subject: endpoint.status === 201 ? newSubjectId('MX') : subject,
        admin: platform.admin,
        password: users.get(role)!.password,
        ownSession: async () => {
          const user = users.get(role)!;
          return asUser(platform.baseUrl, (await login(platform.baseUrl, user.username, user.password)).accessToken);
        },
      };
      if (endpoint.needsTarget) {
        const username = unique('matrix-target');
        attempt.target = { username, ...(await createUser(platform.baseUrl, platform.admin, { username, roles: ['monitor'] })) };
      }
      const response = await endpoint.call(as(role), attempt);
      if (endpoint.allowed.includes(role)) {
        expect(response.status).toBe(endpoint.status);
      } else {
        expectRefusedFor(response, endpoint.allowed, role);
        await endpoint.nothingDone?.(platform, attempt);
      }
    });

    it.each(PUBLIC_ROUTES)('answers %s without a token (a POST without a body: 400, not 401)', async (route) => {
      const [method, path] = route.split(' ');
      const response = method === 'GET' ? await request(platform.baseUrl).get(path) : await request(platform.baseUrl).post(path).send({});
      expectStatus(response, method === 'GET' ? 200 : 400);
    });

    it('answers a locked sign-in with 429 and Retry-After through the gateway', async () => {
      const username = unique('locked-through-gateway');
      await platform.admin.post('/security/users').send({ username, password: 'gateway-lock-password-1', roles: ['monitor'], all_sites: true }).expect(201);
      // LOGIN_MAX_FAILURES is 5 here: the sixth attempt is refused.
      for (let n = 0; n < 5; n += 1) expect((await signIn(platform, username, `a-wrong-password-${n}`)).status).toBe(401);
      const response = await signIn(platform, username, 'a-wrong-password-5');
      expect(response.status).toBe(429);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    });

    if (mode === 'all-in-one') {
      it('walks every route the platform registers: each is in the matrix above or public, and each listed route exists', () => {
        const registered = new Set(registeredRoutes(platform.apps[0]).filter((route) => !NOT_API_ROUTES.test(route)));
        const listed = new Set([...ENDPOINTS.map((endpoint) => endpoint.route), ...PUBLIC_ROUTES]);
        expect({ notInTheMatrix: [...registered].filter((route) => !listed.has(route)).sort() }).toEqual({ notInTheMatrix: [] });
        expect({ notRegistered: [...listed].filter((route) => !registered.has(route)).sort() }).toEqual({ notRegistered: [] });
      });
    }
  });

  if (mode === 'split') {
    describe('role matrix at the services themselves, bypassing the gateway', () => {
      const direct = (service: string, role: Role): Client => asUser(platform.serviceUrls[service], users.get(role)!.session.accessToken);

      it('lets a statistician list patients at the EDC service', async () => {
        const response = await direct('edc', 'statistician').get('/patients').expect(200);
        expect(response.body.data.map((p: { subject_id: string }) => p.subject_id)).toContain(subject);
      });

      it('refuses a monitor who stores vitals at the EDC service, storing nothing', async () => {
        const attempt = newSubjectId('MX');
        const response = await direct('edc', 'monitor').post('/store-vitals').send({ records: [vitalRecord({ SubjectID: attempt })] });
        expectRefusedFor(response, CAPTURERS, 'monitor');
        await platform.admin.get(`/edc/patients/${attempt}`).expect(404);
      });

      it('lets an admin list users at the security service and refuses an investigator', async () => {
        await direct('security', 'admin').get('/users').expect(200);
        expectRefusedFor(await direct('security', 'investigator').get('/users'), USER_ADMINS, 'investigator');
      });

      it('lets a monitor search the audit trail at the security service and refuses an agent', async () => {
        await direct('security', 'monitor').get('/audit/events').expect(200);
        expectRefusedFor(await direct('security', 'agent').get('/audit/events'), AUDITORS, 'agent');
      });

      it('refuses a forged token at the service as it does at the gateway', async () => {
        const forged = forgeToken(claimsOf(users.get('admin')!.session.accessToken), {}, 'not-the-platform-key-but-long-enough-1234');
        expectUnauthorized(await asUser(platform.serviceUrls.edc, forged).get('/patients'));
        expectUnauthorized(await asUser(platform.serviceUrls.security, forged).get('/users'));
      });
    });
  }

  describe('access tokens', () => {
    let victim: { id: string; session: Session };
    /** Another user's session, named by one of the forged tokens. */
    let bystander: Session;

    beforeAll(async () => {
      const created = await createUser(platform.baseUrl, platform.admin, { username: unique('token-victim'), roles: ['admin'] });
      victim = { id: created.id, session: created.session };
      bystander = (await createUser(platform.baseUrl, platform.admin, { username: unique('token-bystander'), roles: ['monitor'] })).session;
    });

    const withHeader = (header: string | undefined) => {
      const call = request(platform.baseUrl).get('/edc/patients');
      return header === undefined ? call : call.set('Authorization', header);
    };
    const past = () => Math.floor(Date.now() / 1000) - 60;

    const BAD_TOKENS: Array<{ case: string; header: () => string | undefined; message?: RegExp }> = [
      { case: 'no Authorization header', header: () => undefined, message: /Sign in first/ },
      { case: 'a Basic Authorization header', header: () => 'Basic YWRtaW46cGFzc3dvcmQ=', message: /Sign in first/ },
      { case: 'a Bearer header without a token', header: () => 'Bearer ', message: /Sign in first/ },
      { case: 'a garbage token', header: () => 'Bearer this-is-not-a-jwt' },
      { case: 'a token made of three random parts', header: () => `Bearer ${randomBytes(12).toString('base64url')}.${randomBytes(12).toString('base64url')}.x` },
      { case: 'a token signed with another key', header: () => `Bearer ${forgeToken(claimsOf(victim.session.accessToken), { expiresIn: 600 }, 'some-other-key-that-is-long-enough-000')}` },
      { case: 'a token with alg none', header: () => `Bearer ${unsignedToken(claimsOf(victim.session.accessToken))}` },
      { case: 'a token signed with HS512 using the right key', header: () => `Bearer ${forgeToken(claimsOf(victim.session.accessToken), { algorithm: 'HS512', expiresIn: 600 })}` },
      { case: 'a token from another issuer', header: () => `Bearer ${forgeToken(claimsOf(victim.session.accessToken), { issuer: 'someone-else', expiresIn: 600 })}` },
      { case: 'a token for another audience', header: () => `Bearer ${forgeToken(claimsOf(victim.session.accessToken), { audience: 'another-api', expiresIn: 600 })}` },
      { case: 'a token without a session id', header: () => `Bearer ${forgeToken({ sub: victim.id }, { expiresIn: 600 })}` },
      {
        case: 'an expired token',
        header: () => `Bearer ${forgeToken({ ...claimsOf(victim.session.accessToken), iat: past() - 600, exp: past() })}`,
        message: /expired.*refresh/,
      },
      { case: 'a token naming a session that does not exist', header: () => `Bearer ${forgeToken({ sub: victim.id, sid: randomUUID() }, { expiresIn: 600 })}` },
      {
        case: "a token naming another user's session",
        header: () => `Bearer ${forgeToken({ sub: victim.id, sid: claimsOf(bystander.accessToken).sid }, { expiresIn: 600 })}`,
      },
    ];

    it.each(BAD_TOKENS)('refuses $case with 401 and a message', async ({ header, message }) => {
      const response = await withHeader(header());
      expectUnauthorized(response);
      if (message) expect(response.body.message).toMatch(message);
    });

    it("accepts the user's own access token", async () => {
      await withHeader(`Bearer ${victim.session.accessToken}`).expect(200);
    });

    it("accepts a token signed with the platform's key for a live session (so the refusals above are about what they change)", async () => {
      await withHeader(`Bearer ${forgeToken(claimsOf(victim.session.accessToken), { expiresIn: 600 })}`).expect(200);
    });

    it("keeps a session working after a token naming it with someone else's user id was refused", async () => {
      const owner = await createUser(platform.baseUrl, platform.admin, { username: unique('session-owner'), roles: ['monitor'] });
      const { sid } = claimsOf(owner.session.accessToken);
      expectUnauthorized(await withHeader(`Bearer ${forgeToken({ sub: victim.id, sid }, { expiresIn: 600 })}`));
      expectStatus(await owner.client.get('/edc/patients'), 200);
    });

    it('refuses the access token of a session that signed out, in every service', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('leaver'), roles: ['admin'] });
      await user.client.post('/security/auth/logout').expect(204);
      expectUnauthorized(await user.client.get('/security/auth/me'));
      expectUnauthorized(await user.client.get('/edc/patients'));
      expectUnauthorized(await refresh(platform, user.session.refreshToken));
    });

    it('refuses the access token of a user who was deactivated, in every service, and refuses their sign-in', async () => {
      const username = unique('deactivated');
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['data_manager'] });
      await user.client.get('/edc/patients').expect(200);
      await platform.admin.post(`/security/users/${user.id}/deactivate`).expect(200);
      expectUnauthorized(await user.client.get('/edc/patients'));
      expectUnauthorized(await user.client.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId() })] }));
      expectUnauthorized(await user.client.get('/security/auth/me'));
      const signInAgain = await signIn(platform, username, user.password);
      expect(signInAgain.status).toBe(401);
      expect(signInAgain.body.message).toBe(INVALID_LOGIN);
    });
  });

  describe('refresh tokens', () => {
    it('answers a refresh with a new token pair whose access token works', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('refresher'), roles: ['statistician'] });
      const response = await refresh(platform, user.session.refreshToken).expect(200);
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        refresh_token: expect.any(String),
        refresh_expires_in: expect.any(Number),
      });
      expect(response.body.refresh_token).not.toBe(user.session.refreshToken);
      const me = await asUser(platform.baseUrl, response.body.access_token).get('/security/auth/me').expect(200);
      expect(me.body.id).toBe(user.id);
    });

    it('refuses a refresh token nobody issued', async () => {
      expectUnauthorized(await refresh(platform, randomBytes(32).toString('base64url')));
    });

    it('treats a second use of a refresh token as theft: 401, and the whole session is revoked', async () => {
      const username = unique('rotator');
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['investigator'] });
      const otherSession = await login(platform.baseUrl, username, user.password);
      const first = (await refresh(platform, user.session.refreshToken).expect(200)).body;
      const newest = (await refresh(platform, first.refresh_token).expect(200)).body;
      await asUser(platform.baseUrl, newest.access_token).get('/edc/patients').expect(200);

      const replay = await refresh(platform, first.refresh_token);
      expectUnauthorized(replay);
      expect(replay.body.message).toMatch(/already used/);

      expectUnauthorized(await asUser(platform.baseUrl, newest.access_token).get('/edc/patients'));
      expectUnauthorized(await asUser(platform.baseUrl, user.session.accessToken).get('/edc/patients'));
      expectUnauthorized(await refresh(platform, newest.refresh_token));
      // Only the stolen session ends: the user's other sign-in goes on working.
      await asUser(platform.baseUrl, otherSession.accessToken).get('/edc/patients').expect(200);
    });
  });

  describe('changes to a user take effect on their next request, without signing in again', () => {
    it('lets a monitor promoted to data manager capture vitals at once', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('promoted'), roles: ['monitor'] });
      const records = [vitalRecord({ SubjectID: newSubjectId() })];
      expectRefusedFor(await user.client.post('/edc/store-vitals').send({ records }), CAPTURERS, 'monitor');
      const updated = await platform.admin.patch(`/security/users/${user.id}`).send({ roles: ['data_manager'] }).expect(200);
      expect(updated.body.roles).toEqual(['data_manager']);
      await user.client.post('/edc/store-vitals').send({ records }).expect(201);
    });

    it('stops a data manager demoted to statistician from capturing at once', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('demoted'), roles: ['data_manager'] });
      await user.client.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId() })] }).expect(201);
      await platform.admin.patch(`/security/users/${user.id}`).send({ roles: ['statistician'] }).expect(200);
      const attempt = newSubjectId();
      expectRefusedFor(await user.client.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: attempt })] }), CAPTURERS, 'statistician');
      await platform.admin.get(`/edc/patients/${attempt}`).expect(404);
    });

    it('limits a user to a site at once when an admin sets their sites', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('narrowed'), roles: ['investigator'] });
      await user.client.get(`/edc/patients/${subject}`).expect(200);
      await platform.admin.patch(`/security/users/${user.id}`).send({ site_ids: ['ELSEWHERE'] }).expect(200);
      await user.client.get(`/edc/patients/${subject}`).expect(404);
    });
  });
});

describe('accounts and sessions (all-in-one mode)', () => {
  let platform: PlatformUnderTest;
  let adminId = '';

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', { JWT_ACCESS_TTL_SECONDS: '120' });
    adminId = (await platform.admin.get('/security/auth/me').expect(200)).body.id;
  });
  afterAll(() => platform?.close());

  describe('POST /security/auth/login', () => {
    it('answers 200 with a Bearer access token that lives JWT_ACCESS_TTL_SECONDS, and a refresh token', async () => {
      const response = await signIn(platform, 'admin', TEST_ADMIN_PASSWORD).expect(200);
      expect(response.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 120,
        refresh_token: expect.any(String),
        refresh_expires_in: expect.any(Number),
      });
      const claims = jwt.verify(response.body.access_token, TEST_JWT_SECRET, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
      expect(claims).toMatchObject({ sub: adminId, sid: expect.any(String) });
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(120);
    });

    it('answers a wrong password and an unknown user alike: 401 "Invalid username or password"', async () => {
      const wrong = await signIn(platform, 'admin', 'not-the-admin-password-1').expect(401);
      const unknown = await signIn(platform, unique('stranger'), 'not-the-admin-password-1').expect(401);
      expect(wrong.body.message).toBe(INVALID_LOGIN);
      expect(unknown.body.message).toBe(INVALID_LOGIN);
    });
  });

  describe('GET /security/auth/me and POST /security/auth/validate', () => {
    it("returns the caller's account with roles and sites, and never a password or its hash", async () => {
      const username = unique('me');
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['investigator', 'monitor'], site_ids: ['S01', 'S02'] });
      await platform.admin.patch(`/security/users/${user.id}`).send({ email: `${username}@example.org`, full_name: 'Dr Example' }).expect(200);
      const response = await user.client.get('/security/auth/me').expect(200);
      expect(response.body).toEqual({
        id: user.id,
        username,
        email: `${username}@example.org`,
        full_name: 'Dr Example',
        roles: ['investigator', 'monitor'],
        site_ids: ['S01', 'S02'],
        active: true,
        last_login_at: expect.any(String),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/password|scrypt/);
      expect(JSON.stringify(response.body)).not.toContain(user.password);
    });

    it('answers validate with valid:true and the user for a live token', async () => {
      const username = unique('validated');
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['agent'], site_ids: ['S09'] });
      const response = await request(platform.baseUrl).post('/security/auth/validate').send({ token: user.session.accessToken }).expect(200);
      expect(response.body).toEqual({
        valid: true,
        user: { id: user.id, username, roles: ['agent'], siteIds: ['S09'], sessionId: claimsOf(user.session.accessToken).sid },
      });
    });

    it('answers validate with valid:false and a reason for a garbage, a forged and a signed-out token', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('invalidated'), roles: ['agent'] });
      const forged = forgeToken(claimsOf(user.session.accessToken), { expiresIn: 600 }, 'a-key-that-is-not-the-platform-key-00');
      await user.client.post('/security/auth/logout').expect(204);
      for (const token of ['garbage', forged, user.session.accessToken]) {
        const response = await request(platform.baseUrl).post('/security/auth/validate').send({ token }).expect(200);
        expect(response.body).toEqual({ valid: false, reason: expect.any(String) });
        expect(response.body.reason.length).toBeGreaterThan(0);
      }
    });

    it('answers validate without a token with 400', async () => {
      await request(platform.baseUrl).post('/security/auth/validate').send({}).expect(400);
    });
  });

  describe('users admin', () => {
    it('creates a user (201) and never returns the password or its hash', async () => {
      const username = unique('created');
      const password = 'a-fine-password-2026';
      const response = await platform.admin
        .post('/security/users')
        .send({ username, password, roles: ['investigator'], site_ids: ['S01'], email: `${username}@example.org`, full_name: 'New Person' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username,
        email: `${username}@example.org`,
        full_name: 'New Person',
        roles: ['investigator'],
        site_ids: ['S01'],
        active: true,
        last_login_at: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
      expect(JSON.stringify(response.body)).not.toMatch(/password|scrypt/);
      expect(JSON.stringify(response.body)).not.toContain(password);
      const fetched = await platform.admin.get(`/security/users/${response.body.id}`).expect(200);
      expect(fetched.body).toEqual(response.body);
      await login(platform.baseUrl, username, password);
    });

    it('refuses a second user with the same name, in any letter case, with 409', async () => {
      const username = unique('twin');
      await platform.admin.post('/security/users').send({ username, password: 'twin-password-0001', all_sites: true, roles: ['monitor'] }).expect(201);
      const same = await platform.admin.post('/security/users').send({ username, password: 'twin-password-0002', all_sites: true, roles: ['monitor'] }).expect(409);
      expect(same.body.message).toContain(username);
      await platform.admin.post('/security/users').send({ username: username.toUpperCase(), password: 'twin-password-0003', all_sites: true, roles: ['monitor'] }).expect(409);
    });

    it.each([
      ['shorter than 12 characters', 'short-pw-1'],
      ['without a digit', 'no-digits-in-this-one'],
      ['without a letter', '1234567890123'],
      ['containing the username', 'policy-user-1234'],
    ])('refuses a password %s with 400 and the password policy', async (_case, password) => {
      const response = await platform.admin.post('/security/users').send({ username: 'policy-user', password, all_sites: true, roles: ['monitor'] }).expect(400);
      expect(response.body.message).toBe(PASSWORD_POLICY);
    });

    it('refuses a user without any role, and an update that removes every role, with 400', async () => {
      const none = await platform.admin.post('/security/users').send({ username: unique('norole'), password: 'long-enough-password-1', all_sites: true, roles: [] }).expect(400);
      expect(none.body.details).toEqual([{ field: 'roles', problems: ['must name at least one role'] }]);
      const created = await platform.admin.post('/security/users').send({ username: unique('onerole'), password: 'long-enough-password-1', all_sites: true, roles: ['monitor'] }).expect(201);
      await platform.admin.patch(`/security/users/${created.body.id}`).send({ roles: [] }).expect(400);
    });

    it('refuses malformed usernames and unknown roles with 400', async () => {
      await platform.admin.post('/security/users').send({ username: 'ab', password: 'long-enough-password-1', all_sites: true, roles: ['monitor'] }).expect(400);
      await platform.admin.post('/security/users').send({ username: 'has space', password: 'long-enough-password-1', all_sites: true, roles: ['monitor'] }).expect(400);
      await platform.admin.post('/security/users').send({ username: unique('role'), password: 'long-enough-password-1', all_sites: true, roles: ['superuser'] }).expect(400);
    });

    it('lists users with pagination and filters by role and by active', async () => {
      const role: Role = 'statistician';
      for (let n = 0; n < 3; n += 1) await platform.admin.post('/security/users').send({ username: unique(`listed-${n}`), password: 'listed-password-42', all_sites: true, roles: [role] }).expect(201);
      const all = await platform.admin.get('/security/users').query({ role, limit: 500 }).expect(200);
      expect(all.body.page).toEqual({ limit: 500, offset: 0, total: all.body.data.length });
      expect(all.body.data.length).toBeGreaterThanOrEqual(3);
      for (const user of all.body.data) expect(user.roles).toContain(role);
      for (const user of all.body.data) expect(Object.keys(user)).not.toContain('password_hash');

      const first = await platform.admin.get('/security/users').query({ role, limit: 2, offset: 0 }).expect(200);
      const second = await platform.admin.get('/security/users').query({ role, limit: 2, offset: 2 }).expect(200);
      expect(first.body.page).toEqual({ limit: 2, offset: 0, total: all.body.page.total });
      expect(second.body.page).toEqual({ limit: 2, offset: 2, total: all.body.page.total });
      const names = (page: Response) => page.body.data.map((u: { username: string }) => u.username);
      expect([...names(first), ...names(second)]).toEqual(names(all).slice(0, 4));

      const admins = await platform.admin.get('/security/users').query({ role: 'admin' }).expect(200);
      expect(admins.body.data.map((u: { username: string }) => u.username)).toContain('admin');
      for (const user of admins.body.data) expect(user.roles).toContain('admin');

      await platform.admin.get('/security/users').query({ role: 'superuser' }).expect(400);
      await platform.admin.get('/security/users').query({ limit: 0 }).expect(400);
    });

    it('updates roles, sites, email and name, and answers an unknown user with 404', async () => {
      const user = await createUser(platform.baseUrl, platform.admin, { username: unique('updated'), roles: ['monitor'] });
      const response = await platform.admin
        .patch(`/security/users/${user.id}`)
        .send({ roles: ['monitor', 'statistician'], site_ids: ['S03'], email: 'updated@example.org', full_name: 'Updated Name' })
        .expect(200);
      expect(response.body).toMatchObject({ roles: ['monitor', 'statistician'], site_ids: ['S03'], email: 'updated@example.org', full_name: 'Updated Name', active: true });
      await platform.admin.patch(`/security/users/${randomUUID()}`).send({ full_name: 'Nobody' }).expect(404);
      await platform.admin.get(`/security/users/${randomUUID()}`).expect(404);
    });

    it('deactivates a user: their sessions end, sign-in is refused, and the list shows them inactive', async () => {
      const username = unique('retired');
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['investigator'] });
      const response = await platform.admin.post(`/security/users/${user.id}/deactivate`).expect(200);
      expect(response.body).toMatchObject({ id: user.id, active: false });
      expectUnauthorized(await user.client.get('/security/auth/me'));
      expectUnauthorized(await refresh(platform, user.session.refreshToken));
      const again = await signIn(platform, username, user.password);
      expect(again.status).toBe(401);
      expect(again.body.message).toBe(INVALID_LOGIN);
      const inactive = await platform.admin.get('/security/users').query({ active: 'false', limit: 500 }).expect(200);
      expect(inactive.body.data.map((u: { id: string }) => u.id)).toContain(user.id);
      const active = await platform.admin.get('/security/users').query({ active: 'true', limit: 500 }).expect(200);
      expect(active.body.data.map((u: { id: string }) => u.id)).not.toContain(user.id);
    });

    it('resets a password: sessions end, the old password is refused and the new one works', async () => {
      const username = unique('forgetful');
      const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['monitor'] });
      await platform.admin.post(`/security/users/${user.id}/reset-password`).send({ password: 'short1' }).expect(400);
      await platform.admin.post(`/security/users/${user.id}/reset-password`).send({ password: 'brand-new-secret-77' }).expect(204);
      expectUnauthorized(await user.client.get('/security/auth/me'));
      expectUnauthorized(await refresh(platform, user.session.refreshToken));
      const old = await signIn(platform, username, user.password);
      expect(old.status).toBe(401);
      expect(old.body.message).toBe(INVALID_LOGIN);
      const fresh = await login(platform.baseUrl, username, 'brand-new-secret-77');
      await asUser(platform.baseUrl, fresh.accessToken).get('/security/auth/me').expect(200);
    });

    it('refuses to let an admin deactivate themselves or drop their own admin role (400), and they stay admin', async () => {
      const deactivate = await platform.admin.post(`/security/users/${adminId}/deactivate`).expect(400);
      expect(deactivate.body.message).toMatch(/cannot deactivate yourself/);
      await platform.admin.patch(`/security/users/${adminId}`).send({ active: false }).expect(400);
      await platform.admin.patch(`/security/users/${adminId}`).send({ roles: ['monitor'] }).expect(400);
      const me = await platform.admin.get('/security/auth/me').expect(200);
      expect(me.body).toMatchObject({ active: true, roles: ['admin'] });
    });

    it('lets one admin deactivate another admin', async () => {
      const other = await createUser(platform.baseUrl, platform.admin, { username: unique('second-admin'), roles: ['admin'] });
      await platform.admin.post(`/security/users/${other.id}/deactivate`).expect(200);
      expectUnauthorized(await other.client.get('/security/users'));
    });
  });

  describe('every site is an explicit choice, never what a forgotten site_ids means', () => {
    const SITES_NEEDED = 'Name the sites the user may see in site_ids (e.g. ["S01"]), or send all_sites: true for a user who sees every site';
    const newUser = (sites: Record<string, unknown>) => ({ username: unique('sited'), password: 'sited-password-2026', roles: ['monitor'], ...sites });
    const usernames = async () =>
      ((await platform.admin.get('/security/users').query({ limit: 500 }).expect(200)).body.data as Array<{ username: string }>).map((u) => u.username);

    it.each([
      ['without site_ids or all_sites', {}, SITES_NEEDED],
      ['with an empty site_ids', { site_ids: [] }, SITES_NEEDED],
      ['with all_sites: false and no site_ids', { all_sites: false }, SITES_NEEDED],
      ['with both site_ids and all_sites: true', { site_ids: ['S01'], all_sites: true }, 'Send either site_ids or all_sites: true, not both'],
    ])('refuses a user created %s with 400 saying what to send, and creates nobody', async (_case, sites, message) => {
      const body = newUser(sites);
      const response = await platform.admin.post('/security/users').send(body).expect(400);
      expect(response.body).toMatchObject({ message, details: [{ field: 'site_ids', problems: [message] }] });
      expect(await usernames()).not.toContain(body.username);
    });

    it('creates a user of every site with all_sites: true (no sites stored), who reads subjects of any site', async () => {
      const body = newUser({ all_sites: true });
      const created = await platform.admin.post('/security/users').send(body).expect(201);
      expect(created.body.site_ids).toEqual([]);
      const client = asUser(platform.baseUrl, (await login(platform.baseUrl, body.username, body.password)).accessToken);
      const sites = new Set(['SITE-A', 'SITE-B']);
      const subjects = [...sites].map((SiteID) => vitalRecord({ SubjectID: newSubjectId('ALL'), SiteID }));
      await platform.admin.post('/edc/store-vitals').send({ records: subjects }).expect(201);
      for (const record of subjects) await client.get(`/edc/patients/${record.SubjectID}`).expect(200);
    });

    it('changes a limited user to every site only with all_sites: true, and refuses an empty site_ids', async () => {
      const created = (await platform.admin.post('/security/users').send(newUser({ site_ids: ['S07'] })).expect(201)).body;
      const empty = await platform.admin.patch(`/security/users/${created.id}`).send({ site_ids: [] }).expect(400);
      expect(empty.body.message).toBe(SITES_NEEDED);
      expect((await platform.admin.get(`/security/users/${created.id}`).expect(200)).body.site_ids).toEqual(['S07']);
      const widened = await platform.admin.patch(`/security/users/${created.id}`).send({ all_sites: true }).expect(200);
      expect(widened.body.site_ids).toEqual([]);
      const narrowed = await platform.admin.patch(`/security/users/${created.id}`).send({ site_ids: ['S08'] }).expect(200);
      expect(narrowed.body.site_ids).toEqual(['S08']);
    });

    it('keeps the sites of a user when a change does not mention them', async () => {
      const created = (await platform.admin.post('/security/users').send(newUser({ site_ids: ['S09'] })).expect(201)).body;
      const renamed = await platform.admin.patch(`/security/users/${created.id}`).send({ full_name: 'Still at S09' }).expect(200);
      expect(renamed.body.site_ids).toEqual(['S09']);
    });
  });

  describe('site limits', () => {
    let siteUser: { id: string; client: Client };
    // Subject numbers never contain the site codes, so a body that names a site can be spotted.
    const atS1 = [newSubjectId('LIM'), newSubjectId('LIM')];
    const atS2 = newSubjectId('LIM');
    const withoutSite = newSubjectId('LIM');

    beforeAll(async () => {
      await platform.admin
        .post('/edc/store-vitals')
        .send({
          records: [
            ...atS1.map((SubjectID) => vitalRecord({ SubjectID, SiteID: 'S1' })),
            vitalRecord({ SubjectID: atS2, SiteID: 'S2', TreatmentArm: 'Placebo' }),
            vitalRecord({ SubjectID: withoutSite }),
          ],
        })
        .expect(201);
      siteUser = await createUser(platform.baseUrl, platform.admin, { username: unique('site-one'), roles: ['investigator'], site_ids: ['S1'] });
    });

    const listed = async (client: Client, query: Record<string, string | number> = {}) =>
      (await client.get('/edc/patients').query({ limit: 500, ...query }).expect(200)).body as { data: Array<{ subject_id: string; site_id: string | null }>; page: { total: number } };

    it("lists only the subjects of the user's sites", async () => {
      const page = await listed(siteUser.client);
      const subjects = page.data.map((p) => p.subject_id);
      expect(subjects).toEqual(expect.arrayContaining(atS1));
      expect(subjects).not.toContain(atS2);
      expect(subjects).not.toContain(withoutSite);
      for (const patient of page.data) expect(patient.site_id).toBe('S1');
      expect(page.page.total).toBe(page.data.length);
      const everything = (await listed(platform.admin)).data.map((p) => p.subject_id);
      expect(everything).toEqual(expect.arrayContaining([...atS1, atS2, withoutSite]));
    });

    it("lists nothing when the user asks for another site's subjects", async () => {
      const page = await listed(siteUser.client, { siteId: 'S2' });
      expect(page.data).toEqual([]);
      expect(page.page.total).toBe(0);
    });

    it("reads a subject and vitals of the user's site", async () => {
      await siteUser.client.get(`/edc/patients/${atS1[0]}`).expect(200);
      const vitals = await siteUser.client.get(`/edc/patients/${atS1[0]}/vitals`).expect(200);
      expect(vitals.body.vitals).toHaveLength(1);
    });

    it("answers 404 for another site's subject and its vitals, even when an admin's read has cached them", async () => {
      await platform.admin.get(`/edc/patients/${atS2}/vitals`).expect(200);
      await siteUser.client.get(`/edc/patients/${atS2}`).expect(404);
      const vitals = await siteUser.client.get(`/edc/patients/${atS2}/vitals`).expect(404);
      expect(JSON.stringify(vitals.body)).not.toContain('Placebo');
      await siteUser.client.get(`/edc/patients/${withoutSite}`).expect(404);
      await siteUser.client.get(`/edc/patients/${withoutSite}/vitals`).expect(404);
    });

    it("stores records that name the user's site", async () => {
      const subject = newSubjectId('LIM');
      await siteUser.client.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S1' })] }).expect(201);
      const stored = await siteUser.client.get(`/edc/patients/${subject}`).expect(200);
      expect(stored.body.site_id).toBe('S1');
    });

    it.each([
      ['without a SiteID', {}],
      ['for another site', { SiteID: 'S2' }],
    ])('refuses records %s with 403 and stores nothing of the batch', async (_case, site) => {
      const good = vitalRecord({ SubjectID: newSubjectId('LIM'), SiteID: 'S1' });
      const bad = vitalRecord({ SubjectID: newSubjectId('LIM'), ...site });
      const response = await siteUser.client.post('/edc/store-vitals').send({ records: [good, bad] }).expect(403);
      expect(response.body.details[0].field).toBe('records[1].SiteID');
      for (const record of [good, bad]) await platform.admin.get(`/edc/patients/${record.SubjectID}`).expect(404);
    });

    it("refuses to store for another site's subject without revealing that subject's site or arm", async () => {
      const response = await siteUser.client
        .post('/edc/store-vitals')
        .send({ records: [vitalRecord({ SubjectID: atS2, SiteID: 'S1', TreatmentArm: 'Active', VisitName: 'Week 8' })] });
      expectStatus(response, 403);
      expect(JSON.stringify(response.body)).not.toMatch(/\bS2\b|Placebo/);
      const vitals = await platform.admin.get(`/edc/patients/${atS2}/vitals`).expect(200);
      expect(vitals.body.vitals).toHaveLength(1);
    });
  });
});

const LOCK_SECONDS = 600;

describe('sign-in throttling per account (LOGIN_MAX_FAILURES=3)', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    // The per-client limit is raised so that only the per-account limit is at work here.
    platform = await startPlatform('all-in-one', { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_CLIENT: '1000', LOGIN_LOCK_SECONDS: String(LOCK_SECONDS) });
  });
  afterAll(() => platform?.close());

  const account = async (prefix: string) => {
    const username = unique(prefix);
    const password = 'throttled-password-31';
    const created = await platform.admin.post('/security/users').send({ username, password, all_sites: true, roles: ['monitor'] }).expect(201);
    return { id: created.body.id as string, username, password };
  };
  const lock = async (username: string) => {
    for (let n = 0; n < 3; n += 1) expect((await signIn(platform, username, `wrong-guess-${n}`)).status).toBe(401);
  };

  it('says when to try again: the 429 carries Retry-After, the whole seconds until the lock ends', async () => {
    const { username, password } = await account('retry-after');
    await lock(username);
    const locked = await signIn(platform, username, password);
    expect(locked.status).toBe(429);
    const seconds = Number(locked.headers['retry-after']);
    expect(Number.isInteger(seconds)).toBe(true);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(LOCK_SECONDS);
  });

  it('counts every spelling of an account name as that account: a locked name is locked in capitals too', async () => {
    const { username, password } = await account('capitals');
    await lock(username);
    expect((await signIn(platform, username.toUpperCase(), password)).status).toBe(429);
  });

  it.each([
    ['a dotted capital I (İ)', (name: string) => name.replace('i', '\u0130')],
    ['a Kelvin sign (K)', (name: string) => name.replace('k', '\u212a')],
  ])('refuses a look-alike name with %s like a wrong password (401), never as the locked account', async (_case, lookAlike) => {
    const { username, password } = await account('kinv1');
    await lock(username);
    expect((await signIn(platform, username, password)).status).toBe(429);
    for (const attempt of [password, 'another-guess-1']) {
      const response = await signIn(platform, lookAlike(username), attempt);
      expect({ status: response.status, message: response.body.message }).toEqual({ status: 401, message: INVALID_LOGIN });
    }
    expect((await signIn(platform, username, password)).status).toBe(429);
  });

  it('refuses a look-alike name with 401 even with the right password of an account that is not locked', async () => {
    const { username, password } = await account('kinv1');
    const response = await signIn(platform, username.replace('i', '\u0130'), password);
    expect({ status: response.status, message: response.body.message }).toEqual({ status: 401, message: INVALID_LOGIN });
    await login(platform.baseUrl, username, password);
  });

  it('lets an admin unlock a locked account (204): the user signs in at once, and the unlock is its own audit event', async () => {
    const { id, username, password } = await account('unlocked');
    await lock(username);
    expect((await signIn(platform, username, password)).status).toBe(429);
    await platform.admin.post(`/security/users/${id}/unlock`).expect(204);
    await login(platform.baseUrl, username, password);
    const events = await platform.admin.get('/security/audit/events').query({ entityType: 'user', entityId: id, action: 'unlock' }).expect(200);
    expect(events.body.data).toEqual([
      // Three failures and the refused sign-in were counted.
      expect.objectContaining({ action: 'unlock', username: 'admin', entity_id: id, changes: { sign_in_attempts: { old: 4, new: 0 } } }),
    ]);
  });

  it('answers an unlock of an unknown user with 404', async () => {
    await platform.admin.post(`/security/users/${randomUUID()}/unlock`).expect(404);
  });

  it('answers a wrong password before the limit with 401 "Invalid username or password", for existing and unknown users alike', async () => {
    const { username } = await account('wrong-once');
    const existing = await signIn(platform, username, 'not-the-password-1');
    const unknown = await signIn(platform, unique('nobody'), 'not-the-password-1');
    for (const response of [existing, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body.message).toBe(INVALID_LOGIN);
    }
  });

  it('locks an account after three wrong passwords: then even the right password gets 429', async () => {
    const { username, password } = await account('locked');
    for (let n = 0; n < 3; n += 1) expect((await signIn(platform, username, `wrong-guess-${n}`)).status).toBe(401);
    const locked = await signIn(platform, username, password);
    expect(locked.status).toBe(429);
    expect(locked.body.message).toMatch(/^Too many failed sign-in attempts; .* or until an admin unlocks the account$/);
  });

  it('answers an unknown username with the same 429 after the same number of failures', async () => {
    const { username } = await account('known');
    const ghost = unique('ghost');
    for (let n = 0; n < 3; n += 1) {
      expect((await signIn(platform, username, `wrong-guess-${n}`)).status).toBe(401);
      expect((await signIn(platform, ghost, `wrong-guess-${n}`)).status).toBe(401);
    }
    const lockedKnown = await signIn(platform, username, 'wrong-guess-3');
    const lockedGhost = await signIn(platform, ghost, 'wrong-guess-3');
    expect(lockedKnown.status).toBe(429);
    expect(lockedGhost.status).toBe(429);
    expect(lockedGhost.body.message).toMatch(/^Too many failed sign-in attempts/);
    expect(lockedGhost.body.message).toBe(lockedKnown.body.message);
  });

  it('keeps other accounts usable while one is locked', async () => {
    const { username } = await account('victim');
    for (let n = 0; n < 3; n += 1) await signIn(platform, username, `wrong-guess-${n}`);
    expect((await signIn(platform, username, 'wrong-guess-3')).status).toBe(429);
    const bystander = await account('bystander');
    await login(platform.baseUrl, bystander.username, bystander.password);
  });

  it('starts counting again after a successful sign-in', async () => {
    const { username, password } = await account('recovered');
    for (let n = 0; n < 2; n += 1) expect((await signIn(platform, username, `wrong-guess-${n}`)).status).toBe(401);
    await login(platform.baseUrl, username, password);
    for (let n = 0; n < 2; n += 1) expect((await signIn(platform, username, `wrong-guess-${n}`)).status).toBe(401);
    await login(platform.baseUrl, username, password);
  });

  it('checks no more passwords than the limit when the attempts arrive at the same time', async () => {
    const { username } = await account('burst');
    const responses = await Promise.all(Array.from({ length: 10 }, (_, n) => signIn(platform, username, `parallel-guess-${n}`)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    // Every 401 is a password the platform checked: no more than LOGIN_MAX_FAILURES of them.
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
  });
});

describe('sign-in throttling per client address (LOGIN_MAX_FAILURES_PER_CLIENT=4)', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', { LOGIN_MAX_FAILURES_PER_CLIENT: '4' });
  });
  afterAll(() => platform?.close());

  it('locks a client address out after failures spread over several usernames, even for a right password', async () => {
    for (let n = 0; n < 4; n += 1) expect((await signIn(platform, unique(`spray-${n}`), 'spray-password-123')).status).toBe(401);
    const next = await signIn(platform, unique('spray-next'), 'spray-password-123');
    expect(next.status).toBe(429);
    // An admin's unlock of an account would not help here, so the answer does not offer it.
    expect(next.body.message).toMatch(/^Too many failed sign-in attempts from this client address/);
    expect(next.body.message).not.toMatch(/admin/);
    const rightPassword = await signIn(platform, 'admin', TEST_ADMIN_PASSWORD);
    expect(rightPassword.status).toBe(429);
    expect(Number(rightPassword.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('the last active admin (all-in-one mode)', () => {
  let platform: PlatformUnderTest;
  /** Signed in as an active admin: the first admin, then whoever kept the role in the last round. */
  let survivor: Client;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
    survivor = platform.admin;
  });
  afterAll(() => platform?.close());

  const activeAdmins = async () =>
    (await platform.database!.admin(`SELECT id FROM users WHERE active AND 'admin' = ANY (roles)`)).rows.map((row: { id: string }) => row.id);

  const ROUNDS = 5;
  it.each([
    ['deactivate each other', (client: Client, id: string) => client.post(`/security/users/${id}/deactivate`)],
    ['remove each other\'s admin role', (client: Client, id: string) => client.patch(`/security/users/${id}`).send({ roles: ['monitor'] })],
  ])('keeps one active admin when the last two %s at the same moment', async (_case, remove) => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const pair = [
        await createUser(platform.baseUrl, survivor, { username: unique('rival-a'), roles: ['admin'] }),
        await createUser(platform.baseUrl, survivor, { username: unique('rival-b'), roles: ['admin'] }),
      ];
      // As a superuser: every other admin is deactivated, so these two are the last.
      await platform.database!.admin(`UPDATE users SET active = false WHERE NOT (id = ANY ($1::uuid[]))`, [pair.map((user) => user.id)]);
      expect((await activeAdmins()).sort()).toEqual(pair.map((user) => user.id).sort());
      for (const user of pair) await user.client.get('/security/auth/me').expect(200);

      const [first, second] = await Promise.all([remove(pair[0].client, pair[1].id), remove(pair[1].client, pair[0].id)]);

      const remaining = await activeAdmins();
      expect(remaining).toHaveLength(1);
      const winner = remaining[0] === pair[0].id ? 0 : 1;
      const [won, lost] = winner === 0 ? [first, second] : [second, first];
      expectStatus(won, 200);
      // The loser is refused by the rule, or, when the winner's change came first, as no longer signed in.
      expect([409, 401]).toContain(lost.status);
      if (lost.status === 409) expect(lost.body.message).toMatch(/is the last active admin/);
      survivor = pair[winner].client;
    }
  });
});
