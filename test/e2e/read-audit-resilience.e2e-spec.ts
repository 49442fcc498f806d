import request from 'supertest';
import { TEST_ADMIN_PASSWORD } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';

/** What a trusted proxy passes on when a client sends a long X-Forwarded-For of its own. */
const FORGED_FORWARDED_FOR = `203.0.113.7-${'x'.repeat(68)}`;

describe('read auditing that one request cannot stop', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', {
      // The test client (loopback) is a trusted proxy: its X-Forwarded-For is believed.
      TRUST_PROXY: 'loopback',
      AUDIT_READ_FLUSH_MS: '100',
      // Refuse reads from the first failed write of the read audit.
      AUDIT_READ_MAX_FAILURE_MS: '0',
    });
  });
  afterAll(async () => {
    await platform?.database?.server(`ALTER DATABASE ${platform.database.name} ALLOW_CONNECTIONS true`);
    await platform?.close();
  });

  const auditEvents = async (action: string, requestId: string) =>
    (await platform.database!.admin('SELECT client_address, subject FROM audit_events WHERE action = $1 AND request_id = $2', [action, requestId])).rows;
  const writtenReadEvent = (requestId: string) =>
    eventually(async () => {
      const [event] = await auditEvents('read', requestId);
      return event;
    });

  async function storedSubject(): Promise<string> {
    const subject = newSubjectId('RA');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    return subject;
  }

  it('signs in and audits reads through a proxy passing an 80-character X-Forwarded-For, with no client address', async () => {
    expect(FORGED_FORWARDED_FOR).toHaveLength(80);
    const subject = await storedSubject();

    const login = await request(platform.baseUrl)
      .post('/security/auth/login')
      .set('X-Forwarded-For', FORGED_FORWARDED_FOR)
      .send({ username: 'admin', password: TEST_ADMIN_PASSWORD })
      .expect(200);
    expect(await auditEvents('login', login.headers['x-request-id'])).toEqual([{ client_address: null, subject: null }]);

    const read = await request(platform.baseUrl)
      .get(`/edc/patients/${subject}/vitals`)
      .set('Authorization', `Bearer ${login.body.access_token}`)
      .set('X-Forwarded-For', FORGED_FORWARDED_FOR)
      .expect(200);
    expect(await writtenReadEvent(read.headers['x-request-id'])).toEqual({ client_address: null, subject });

    // Read auditing goes on for everyone afterwards.
    const next = await platform.admin.get(`/edc/patients/${subject}`).set('X-Forwarded-For', '198.51.100.23').expect(200);
    expect(await writtenReadEvent(next.headers['x-request-id'])).toEqual({ client_address: '198.51.100.23', subject });
    expect((await platform.database!.admin('SELECT count(*)::int AS n FROM audit_quarantine')).rows[0].n).toBe(0);
  });

  it('refuses patient reads with 503 and Retry-After while read auditing cannot be written, and serves them again once it can', async () => {
    const database = platform.database!;
    const subject = await storedSubject();
    const vitals = () => platform.admin.get(`/edc/patients/${subject}/vitals`);
    // Cached now, with the admin's session: without the database this read could still be served.
    const cached = await vitals().expect(200);
    // Nothing left to write when the database goes: the first read after it is served (and buffered)
    // before any write can fail, so the test does not depend on when the next flush runs.
    await writtenReadEvent(cached.headers['x-request-id']);

    await database.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await database.server('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
    let refused: request.Response;
    const servedWhileDown: string[] = [];
    try {
      refused = await eventually(async () => {
        const response = await vitals();
        if (response.status === 200) servedWhileDown.push(response.headers['x-request-id']);
        return response.status === 503 ? response : undefined;
      }, 20_000);
    } finally {
      await database.server(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    }
    // Refused because its read cannot be audited, or because it needed the database itself.
    expect(refused.body).toMatchObject({ statusCode: 503, message: expect.stringMatching(/audit trail cannot be written|database is unavailable/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Generous bounds: on a loaded machine the pool takes a while to notice the outage and its end.
    await eventually(async () => ((await vitals()).status === 200 ? true : undefined), 20_000);
    // No read was served unaudited: each one served during the outage is written once the database is back.
    for (const requestId of servedWhileDown) expect(await writtenReadEvent(requestId)).toEqual({ client_address: '127.0.0.1', subject });
    // Connections lost to the outage are not the events' fault: none was quarantined.
    expect((await database.admin('SELECT count(*)::int AS n FROM audit_quarantine')).rows[0].n).toBe(0);
  });
});
