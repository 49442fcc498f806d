import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * The audit trail: who did what, when, from where and why, written with each change (or not at
 * all), searchable, exportable, append-only in the database and tamper-evident by its hash chain.
 */

interface FieldChange {
  old: unknown;
  new: unknown;
}

interface AuditEvent {
  seq: number;
  id: string;
  occurred_at: string;
  user_id: string | null;
  username: string | null;
  role: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  subject: string | null;
  client_address: string | null;
  request_id: string | null;
  changes: Record<string, FieldChange> | null;
  reason: string | null;
  chain_position: number | null;
  previous_hash: string | null;
  hash: string | null;
}

interface AuditPage {
  data: AuditEvent[];
  page: { limit: number; offset: number; total: number };
}

interface Verification {
  intact: boolean;
  events_checked: number;
  first_broken?: { seq: number; event_id: string; problem: string };
}

type Query = Record<string, string | number>;

const CSV_HEADER = 'seq,occurred_at,user_id,username,role,action,entity_type,entity_id,subject,client_address,request_id,reason,changes,hash';
/** Reads are written in batches; the tests set the interval short and wait a little longer. */
const READ_FLUSH_SETTINGS = { AUDIT_READ_FLUSH_MS: '100' };

const requestId = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;
const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

async function searchEvents(client: Client, query: Query): Promise<AuditPage> {
  const response = await client.get('/security/audit/events').query(query);
  expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
  return response.body as AuditPage;
}

async function verifyChain(client: Client): Promise<Verification> {
  return (await client.get('/security/audit/verify').expect(200)).body as Verification;
}

/** A connection to the platform's own database, for what no API offers (tampering, counting). */
/** The platform's database as its superuser: tampering as someone with full access would. */
async function connectTo(platform: PlatformUnderTest): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: platform.database!.superuserUrl });
  await client.connect();
  return client;
}

async function countByRequestId(db: pg.Client, id: string): Promise<number> {
  const result = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events WHERE request_id = $1', [id]);
  return result.rows[0].n;
}

describe('audit trail (all-in-one mode)', () => {
  let platform: PlatformUnderTest;
  let db: pg.Client;
  let adminId = '';
  let dataManager: { id: string; client: Client; username: string };
  let investigator: { id: string; client: Client; username: string };
  let monitor: { id: string; client: Client; username: string };

  const admin = () => platform.admin;
  const store = (client: Client, records: unknown[], id?: string) => {
    const call = client.post('/edc/store-vitals');
    return (id ? call.set('x-request-id', id) : call).send({ records });
  };

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', READ_FLUSH_SETTINGS);
    db = await connectTo(platform);
    adminId = (await admin().get('/security/auth/me').expect(200)).body.id;
    const make = async (role: string) => {
      const username = unique(`audit-${role}`);
      const user = await createUser(platform.baseUrl, admin(), { username, roles: [role] });
      return { id: user.id, client: user.client, username };
    };
    dataManager = await make('data_manager');
    investigator = await make('investigator');
    monitor = await make('monitor');
  });
  afterAll(async () => {
    await db?.end();
    await platform?.close();
  });

  describe('capture', () => {
    it('records one create event per new patient and per stored vital, with user, role, request id, client address, subject and values', async () => {
      const subject = newSubjectId('AUD');
      const id = requestId('store');
      const response = await store(
        dataManager.client,
        [
          vitalRecord({ SubjectID: subject, SiteID: 'S07', VisitName: 'Screening', HeartRate: 61 }),
          vitalRecord({ SubjectID: subject, SiteID: 'S07', VisitName: 'Week 1', VisitDate: '2026-01-08', HeartRate: 77, RespiratoryRate: 14 }),
        ],
        id,
      ).expect(201);
      expect(response.headers['x-request-id']).toBe(id);
      const patientId = (await admin().get(`/edc/patients/${subject}`).expect(200)).body.id;

      const { data, page } = await searchEvents(admin(), { subject, action: 'create' });
      expect(page.total).toBe(3);
      for (const event of data) {
        expect(event).toMatchObject({
          user_id: dataManager.id,
          username: dataManager.username,
          role: 'data_manager',
          action: 'create',
          subject,
          request_id: id,
          reason: null,
        });
        expect(event.client_address).toMatch(/127\.0\.0\.1/);
        expect(typeof event.seq).toBe('number');
      }

      const patient = data.filter((event) => event.entity_type === 'patient');
      expect(patient).toHaveLength(1);
      expect(patient[0].entity_id).toBe(patientId);
      expect(patient[0].changes).toEqual({
        protocol_id: { old: null, new: 'DEFAULT' },
        subject_number: { old: null, new: subject },
        site_id: { old: null, new: 'S07' },
        treatment_arm: { old: null, new: 'Active' },
      });

      const vitals = data.filter((event) => event.entity_type === 'vital_sign');
      expect(vitals).toHaveLength(2);
      const week1 = vitals.find((event) => event.changes?.visit_name.new === 'Week 1');
      expect(week1?.changes).toEqual({
        visit_name: { old: null, new: 'Week 1' },
        visit_date: { old: null, new: '2026-01-08' },
        measurement_time: { old: null, new: null },
        systolic_bp: { old: null, new: 125 },
        diastolic_bp: { old: null, new: 80 },
        heart_rate: { old: null, new: 77 },
        temperature: { old: null, new: 36.8 },
        respiratory_rate: { old: null, new: 14 },
        data_batch: { old: null, new: response.body.batch_id },
      });
      const screening = vitals.find((event) => event.changes?.visit_name.new === 'Screening');
      expect(screening?.changes?.heart_rate).toEqual({ old: null, new: 61 });
      const stored = await admin().get(`/edc/patients/${subject}/vitals`).expect(200);
      expect(vitals.map((event) => event.entity_id).sort()).toEqual(stored.body.vitals.map((v: { id: string }) => v.id).sort());
    });

    it('writes each stored vital and created subject in the same transaction as its audit event (Part 11)', async () => {
      const subject = newSubjectId('AUD');
      await store(dataManager.client, [vitalRecord({ SubjectID: subject }), vitalRecord({ SubjectID: subject, VisitName: 'Week 4' })]).expect(201);
      // xmin is the id of the transaction that wrote a row: the same for a change and its event.
      const { rows } = await db.query<{ entity_type: string; same_transaction: boolean }>(
        `SELECT e.entity_type, e.xmin = coalesce(v.xmin, p.xmin) AS same_transaction
           FROM audit_events e
           LEFT JOIN vital_signs v ON e.entity_type = 'vital_sign' AND v.id::text = e.entity_id
           LEFT JOIN patients p ON e.entity_type = 'patient' AND p.id::text = e.entity_id
          WHERE e.subject = $1 AND e.action = 'create' ORDER BY e.entity_type`,
        [subject],
      );
      expect(rows).toEqual([
        { entity_type: 'patient', same_transaction: true },
        { entity_type: 'vital_sign', same_transaction: true },
        { entity_type: 'vital_sign', same_transaction: true },
      ]);
    });

    it('records nothing for a retry whose records are all stored already', async () => {
      const records = [vitalRecord({ SubjectID: newSubjectId('AUD') })];
      await store(dataManager.client, records).expect(201);
      const retry = requestId('retry');
      const response = await store(dataManager.client, records, retry).expect(201);
      expect(response.body.records_stored).toBe(0);
      expect(await countByRequestId(db, retry)).toBe(0);
    });

    it('records nothing for a batch refused with 409 because a record in the middle contradicts a stored subject', async () => {
      const existing = newSubjectId('AUD');
      await store(dataManager.client, [vitalRecord({ SubjectID: existing, TreatmentArm: 'Placebo' })]).expect(201);
      const fresh = [newSubjectId('AUD'), newSubjectId('AUD')];
      const id = requestId('conflict');
      await store(
        dataManager.client,
        [
          vitalRecord({ SubjectID: fresh[0] }),
          vitalRecord({ SubjectID: existing, TreatmentArm: 'Active', VisitName: 'Week 2' }),
          vitalRecord({ SubjectID: fresh[1] }),
        ],
        id,
      ).expect(409);
      expect(await countByRequestId(db, id)).toBe(0);
      for (const subject of fresh) expect((await searchEvents(admin(), { subject })).page.total).toBe(0);
      expect((await searchEvents(admin(), { subject: existing, action: 'create' })).page.total).toBe(2);
    });

    it('records nothing for a batch refused with 400 or 403', async () => {
      const invalid = requestId('invalid');
      await store(dataManager.client, [vitalRecord({ SubjectID: newSubjectId('AUD'), HeartRate: -1 })], invalid).expect(400);
      const forbidden = requestId('forbidden');
      await store(monitor.client, [vitalRecord({ SubjectID: newSubjectId('AUD') })], forbidden).expect(403);
      expect(await countByRequestId(db, invalid)).toBe(0);
      expect(await countByRequestId(db, forbidden)).toBe(0);
    });
  });

  describe('reads', () => {
    it("records a read of a subject's vitals by the reader, with the request id, shortly after", async () => {
      const subject = newSubjectId('AUD');
      await store(dataManager.client, [vitalRecord({ SubjectID: subject })]).expect(201);
      const id = requestId('read');
      const read = await investigator.client.get(`/edc/patients/${subject}/vitals`).set('x-request-id', id).expect(200);
      const event = await eventually(async () => (await searchEvents(admin(), { subject, action: 'read' })).data.find((e) => e.request_id === id));
      expect(event).toMatchObject({
        user_id: investigator.id,
        username: investigator.username,
        role: 'investigator',
        action: 'read',
        entity_type: 'patient',
        entity_id: read.body.patient_id,
        subject,
      });
      expect(event.client_address).toMatch(/127\.0\.0\.1/);
    });

    it('records every read, also those answered from the cache, and reads of one subject and of the list', async () => {
      const subject = newSubjectId('AUD');
      await store(dataManager.client, [vitalRecord({ SubjectID: subject, ProtocolID: 'P-AUDIT-LIST' })]).expect(201);
      const ids = [requestId('first'), requestId('cached'), requestId('one'), requestId('list')];
      await investigator.client.get(`/edc/patients/${subject}/vitals`).set('x-request-id', ids[0]).expect(200);
      await investigator.client.get(`/edc/patients/${subject}/vitals`).set('x-request-id', ids[1]).expect(200);
      await investigator.client.get(`/edc/patients/${subject}`).set('x-request-id', ids[2]).expect(200);
      await investigator.client.get('/edc/patients').query({ protocolId: 'P-AUDIT-LIST' }).set('x-request-id', ids[3]).expect(200);
      const events = await eventually(async () => {
        const { data } = await searchEvents(admin(), { subject, action: 'read', userId: investigator.id });
        return data.length >= 4 ? data : undefined;
      });
      expect(events.map((event) => event.request_id).sort()).toEqual([...ids].sort());
    });
  });

  describe('users and sessions', () => {
    it('records creating, changing, resetting the password of and deactivating a user, with old and new values and the password hidden', async () => {
      const username = unique('audited');
      const password = 'audited-password-1234';
      const created = await admin()
        .post('/security/users')
        .send({ username, password, roles: ['monitor'], all_sites: true, email: `${username}@example.org` })
        .expect(201);
      const userId: string = created.body.id;
      await admin().patch(`/security/users/${userId}`).send({ roles: ['investigator'], site_ids: ['S05'], full_name: 'Audited Person' }).expect(200);
      await admin().post(`/security/users/${userId}/reset-password`).send({ password: 'another-password-5678' }).expect(204);
      await admin().post(`/security/users/${userId}/deactivate`).expect(200);

      const { data } = await searchEvents(admin(), { entityType: 'user', entityId: userId });
      const byAction = (action: string) => data.filter((event) => event.action === action);
      expect(data.map((event) => event.action)).toEqual(['deactivate', 'reset_password', 'update', 'create']);
      for (const event of data) expect(event).toMatchObject({ user_id: adminId, username: 'admin', role: 'admin', entity_type: 'user' });

      expect(byAction('create')[0].changes).toEqual({
        username: { old: null, new: username },
        email: { old: null, new: `${username}@example.org` },
        roles: { old: null, new: ['monitor'] },
        site_ids: { old: null, new: [] },
        active: { old: null, new: true },
        password: { old: null, new: '(changed)' },
      });
      expect(byAction('update')[0].changes).toEqual({
        roles: { old: ['monitor'], new: ['investigator'] },
        site_ids: { old: [], new: ['S05'] },
        full_name: { old: null, new: 'Audited Person' },
      });
      expect(byAction('reset_password')[0].changes).toEqual({ password: { old: '(hidden)', new: '(changed)' } });
      expect(byAction('deactivate')[0].changes).toEqual({ active: { old: true, new: false } });

      const everything = JSON.stringify(data);
      for (const secret of [password, 'another-password-5678', 'scrypt']) expect(everything).not.toContain(secret);
    });

    it('records sign-in, failed sign-in and sign-out', async () => {
      const username = unique('signer');
      const user = await createUser(platform.baseUrl, admin(), { username, roles: ['statistician'] });
      await request(platform.baseUrl).post('/security/auth/login').send({ username, password: 'wrong-password-000' }).expect(401);
      await user.client.post('/security/auth/logout').expect(204);

      const logins = await searchEvents(admin(), { entityId: user.id, action: 'login' });
      expect(logins.data[0]).toMatchObject({ user_id: user.id, username, role: 'statistician', entity_type: 'user' });
      const failed = await searchEvents(admin(), { entityId: user.id, action: 'login_failed' });
      expect(failed.page.total).toBe(1);
      expect(failed.data[0].client_address).toMatch(/127\.0\.0\.1/);
      const logouts = await searchEvents(admin(), { userId: user.id, action: 'logout' });
      expect(logouts.data).toHaveLength(1);
      expect(logouts.data[0]).toMatchObject({ username, entity_type: 'session' });
    });
  });

  describe('search and export', () => {
    let subject = '';
    let reporter: { id: string; client: Client; username: string };

    beforeAll(async () => {
      const username = unique('reporter');
      const user = await createUser(platform.baseUrl, admin(), { username, roles: ['data_manager'] });
      reporter = { id: user.id, client: user.client, username };
      // A number in the default study's format (RA001-{seq:3}): no edit check opens a query (and its events) on it.
      subject = `RA001-${String(Date.now()).slice(-9)}${Math.floor(Math.random() * 10)}`;
      await store(reporter.client, [
        vitalRecord({ SubjectID: subject, VisitName: 'Screening' }),
        vitalRecord({ SubjectID: subject, VisitName: 'Baseline' }),
      ]).expect(201);
    });

    it('filters by subject', async () => {
      const { data, page } = await searchEvents(admin(), { subject });
      expect(page.total).toBe(3);
      for (const event of data) expect(event.subject).toBe(subject);
    });

    it('filters by user id and by username', async () => {
      const byId = await searchEvents(admin(), { userId: reporter.id });
      const byName = await searchEvents(admin(), { username: reporter.username });
      expect(byId.data.length).toBeGreaterThanOrEqual(4);
      for (const event of byId.data) expect(event.user_id).toBe(reporter.id);
      expect(byName.data.map((event) => event.id)).toEqual(byId.data.map((event) => event.id));
    });

    it('filters by action and entity type', async () => {
      const { data, page } = await searchEvents(admin(), { userId: reporter.id, action: 'create', entityType: 'vital_sign' });
      expect(page.total).toBe(2);
      for (const event of data) expect(event).toMatchObject({ action: 'create', entity_type: 'vital_sign' });
      const logins = await searchEvents(admin(), { userId: reporter.id, action: 'login' });
      expect(logins.data.map((event) => event.action)).toEqual(['login']);
    });

    it('pages newest first, with limit, offset and the total', async () => {
      const all = await searchEvents(admin(), { subject });
      const seqs = all.data.map((event) => event.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      const pages = await Promise.all([0, 1, 2].map((offset) => searchEvents(admin(), { subject, limit: 1, offset })));
      expect(pages.map((p) => p.page)).toEqual([0, 1, 2].map((offset) => ({ limit: 1, offset, total: 3 })));
      expect(pages.map((p) => p.data[0].seq)).toEqual(seqs);
      expect((await searchEvents(admin(), { subject, limit: 1, offset: 3 })).data).toEqual([]);
    });

    it('filters by time: from is inclusive, to is exclusive', async () => {
      const earlier = newSubjectId('AUD');
      const later = newSubjectId('AUD');
      await store(reporter.client, [vitalRecord({ SubjectID: earlier })]).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store(reporter.client, [vitalRecord({ SubjectID: later })]).expect(201);
      const laterEvents = (await searchEvents(admin(), { subject: later })).data;
      const boundary = laterEvents.map((event) => event.occurred_at).sort()[0];
      const subjectsOf = (page: AuditPage) => new Set(page.data.map((event) => event.subject));

      const fromBoundary = await searchEvents(admin(), { userId: reporter.id, from: boundary });
      expect(subjectsOf(fromBoundary).has(later)).toBe(true);
      expect(subjectsOf(fromBoundary).has(earlier)).toBe(false);
      for (const event of fromBoundary.data) expect(event.occurred_at >= boundary).toBe(true);

      const toBoundary = await searchEvents(admin(), { userId: reporter.id, to: boundary, limit: 500 });
      expect(subjectsOf(toBoundary).has(earlier)).toBe(true);
      expect(subjectsOf(toBoundary).has(later)).toBe(false);

      const between = await searchEvents(admin(), { subject: later, from: boundary, to: new Date(Date.parse(boundary) + 60_000).toISOString() });
      expect(between.page.total).toBe(laterEvents.length);
    });

    it('refuses malformed filters with 400', async () => {
      await admin().get('/security/audit/events').query({ from: 'yesterday' }).expect(400);
      await admin().get('/security/audit/events').query({ userId: 'not-a-uuid' }).expect(400);
      await admin().get('/security/audit/events').query({ limit: 501 }).expect(400);
    });

    it('exports the matching events as CSV, oldest first, and records the export', async () => {
      const response = await admin().get('/security/audit/events/export').query({ subject }).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      const lines = response.text.split('\r\n').filter((line) => line.length > 0);
      expect(lines[0]).toBe(CSV_HEADER);
      expect(lines).toHaveLength(4);
      const expected = (await searchEvents(admin(), { subject })).data.reverse();
      lines.slice(1).forEach((line, index) => {
        expect(line.startsWith(`${expected[index].seq},`)).toBe(true);
        expect(line).toContain(`,${subject},`);
        expect(line.endsWith(`,${expected[index].hash}`)).toBe(true);
      });

      const exports = await searchEvents(admin(), { userId: adminId, action: 'export', limit: 1 });
      expect(exports.data[0]).toMatchObject({
        action: 'export',
        entity_type: 'audit_events',
        username: 'admin',
        changes: { filters: { old: null, new: { subject } }, rows: { old: null, new: 3 } },
      });
    });
  });

  describe('append-only in the database', () => {
    it.each([
      ['UPDATE', "UPDATE audit_events SET reason = 'edited' WHERE seq = (SELECT min(seq) FROM audit_events)"],
      ['DELETE', 'DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)'],
      ['TRUNCATE', 'TRUNCATE audit_events'],
    ])('refuses %s on audit_events', async (_statement, sql) => {
      const before = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      await expect(db.query(sql)).rejects.toThrow(/append-only/);
      const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      expect(after.rows[0].n).toBeGreaterThanOrEqual(before.rows[0].n);
    });

    it('leaves the chain intact after the refused changes', async () => {
      const result = await verifyChain(admin());
      expect(result.intact).toBe(true);
    });
  });

  describe('concurrent writers', () => {
    it('keeps one unforked, intact chain when many requests write audit events at once', async () => {
      const writers = [dataManager, investigator];
      const stores = Array.from({ length: 12 }, (_, n) =>
        store(writers[n % writers.length].client, Array.from({ length: 4 }, (_, visit) => vitalRecord({ SubjectID: newSubjectId('CC'), VisitName: `Visit ${visit}` }))),
      );
      const reads = Array.from({ length: 6 }, () => investigator.client.get('/edc/patients').query({ limit: 20 }));
      const userChanges = Array.from({ length: 3 }, (_, n) =>
        admin().post('/security/users').send({ username: unique(`concurrent-${n}`), password: 'concurrent-password-9', roles: ['monitor'], all_sites: true }),
      );
      const responses = await Promise.all([...stores, ...reads, ...userChanges]);
      expect(responses.map((response) => response.status)).toEqual([...stores.map(() => 201), ...reads.map(() => 200), ...userChanges.map(() => 201)]);
      // Let the buffered read events land too: they extend the same chain.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const result = await verifyChain(admin());
      const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
      expect(result).toEqual({ intact: true, events_checked: expect.any(Number), pending: expect.any(Number) });
      expect(result.events_checked).toBeGreaterThan(12 * 4);
      expect(count.rows[0].n).toBeGreaterThanOrEqual(result.events_checked);
      const forks = await db.query('SELECT previous_hash FROM audit_chain GROUP BY previous_hash HAVING count(*) > 1');
      expect(forks.rows).toEqual([]);
      const roots = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_chain WHERE previous_hash IS NULL');
      expect(roots.rows[0].n).toBe(1);
    });
  });

  describe('who may review the trail', () => {
    it('lets a monitor search, export and verify', async () => {
      await monitor.client.get('/security/audit/events').expect(200);
      const csv = await monitor.client.get('/security/audit/events/export').query({ action: 'login' }).expect(200);
      expect(csv.text.split('\r\n')[0]).toBe(CSV_HEADER);
      await monitor.client.get('/security/audit/verify').expect(200);
    });

    it.each(['investigator', 'data_manager'] as const)('refuses the role %s with 403 on search, export and verify', async (role) => {
      const client = role === 'investigator' ? investigator.client : dataManager.client;
      for (const path of ['/security/audit/events', '/security/audit/events/export', '/security/audit/verify']) {
        const response = await client.get(path).expect(403);
        expect(response.body.message).toMatch(/admin, monitor/);
      }
    });

    it('refuses callers without a token with 401', async () => {
      await request(platform.baseUrl).get('/security/audit/events').expect(401);
      await request(platform.baseUrl).get('/security/audit/verify').expect(401);
    });
  });
});

describe('audit trail tamper evidence', () => {
  let platform: PlatformUnderTest;
  let db: pg.Client;

  /** Runs `sql` with the append-only trigger off, as someone with the owner's rights could. */
  const tamper = async (sql: string, params: unknown[]) => {
    await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
    try {
      await db.query(sql, params);
    } finally {
      await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
    }
  };

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', READ_FLUSH_SETTINGS);
    db = await connectTo(platform);
    const user = await createUser(platform.baseUrl, platform.admin, { username: unique('tamper-dm'), roles: ['data_manager'] });
    for (let n = 0; n < 3; n += 1) {
      await user.client
        .post('/edc/store-vitals')
        .send({ records: [vitalRecord({ SubjectID: newSubjectId('TMP'), VisitName: 'Screening' }), vitalRecord({ SubjectID: newSubjectId('TMP') })] })
        .expect(201);
    }
  });
  afterAll(async () => {
    await db?.end();
    await platform?.close();
  });

  /** A vital_sign event in the middle of the chain, with rows before and after it. */
  const middleVitalEvent = async () => {
    const result = await db.query<{ seq: string; id: string; changes: Record<string, FieldChange> }>(
      `SELECT seq, id, changes FROM audit_events
        WHERE entity_type = 'vital_sign' AND seq > (SELECT min(seq) FROM audit_events) AND seq < (SELECT max(seq) FROM audit_events)
        ORDER BY seq LIMIT 1`,
    );
    return { seq: Number(result.rows[0].seq), id: result.rows[0].id, changes: result.rows[0].changes };
  };

  it('reports an untouched chain as intact, having checked every event', async () => {
    const result = await verifyChain(platform.admin);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events');
    expect(result).toEqual({ intact: true, events_checked: count.rows[0].n, pending: 0 });
    expect(result.events_checked).toBeGreaterThan(6);
  });

  it('reports the first changed event when a recorded value is edited afterwards, and intact again once it is put back', async () => {
    const target = await middleVitalEvent();
    const edited = { ...target.changes, heart_rate: { old: null, new: 190 } };
    await tamper('UPDATE audit_events SET changes = $2 WHERE seq = $1', [target.seq, JSON.stringify(edited)]);

    const broken = await verifyChain(platform.admin);
    expect(broken).toMatchObject({ intact: false, first_broken: { seq: target.seq, event_id: target.id } });
    expect(broken.first_broken?.problem).toMatch(/changed/);

    await tamper('UPDATE audit_events SET changes = $2 WHERE seq = $1', [target.seq, JSON.stringify(target.changes)]);
    expect((await verifyChain(platform.admin)).intact).toBe(true);
  });

  it('reports a reason added afterwards as a change', async () => {
    const target = await middleVitalEvent();
    await tamper('UPDATE audit_events SET reason = $2 WHERE seq = $1', [target.seq, 'typo fixed later']);
    const broken = await verifyChain(platform.admin);
    expect(broken).toMatchObject({ intact: false, first_broken: { seq: target.seq } });
    await tamper('UPDATE audit_events SET reason = NULL WHERE seq = $1', [target.seq]);
    expect((await verifyChain(platform.admin)).intact).toBe(true);
  });

  it('reports an event removed while its link was kept at the event itself, and intact once it is back', async () => {
    const target = await middleVitalEvent();
    const saved = await db.query('SELECT to_jsonb(e) AS row FROM audit_events e WHERE seq = $1', [target.seq]);
    await tamper('DELETE FROM audit_events WHERE seq = $1', [target.seq]);
    const broken = await verifyChain(platform.admin);
    expect(broken).toMatchObject({
      intact: false,
      first_broken: { seq: target.seq, event_id: null, problem: 'the event was removed (its link in the chain remains)' },
    });
    // Put back exactly as it was (triggers off, so neither its number nor its time is stamped anew).
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query('INSERT INTO audit_events SELECT * FROM jsonb_populate_record(NULL::audit_events, $1)', [saved.rows[0].row]);
    await db.query('COMMIT');
    expect((await verifyChain(platform.admin)).intact).toBe(true);
  });

  it('reports an event removed with its link at the event after it, as a broken link', async () => {
    const target = await middleVitalEvent();
    const next = await db.query<{ seq: string; id: string }>('SELECT seq, id FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1', [target.seq]);
    await db.query('BEGIN');
    await db.query('SET LOCAL session_replication_role = replica');
    await db.query('DELETE FROM audit_chain WHERE event_seq = $1', [target.seq]);
    await db.query('DELETE FROM audit_events WHERE seq = $1', [target.seq]);
    await db.query('COMMIT');
    const broken = await verifyChain(platform.admin);
    expect(broken).toMatchObject({ intact: false, first_broken: { seq: Number(next.rows[0].seq), event_id: next.rows[0].id } });
    expect(broken.first_broken?.problem).toMatch(/link .*broken/);
  });
});

describe('audit trail in split mode', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('split', READ_FLUSH_SETTINGS);
  });
  afterAll(() => platform?.close());

  it('records a store through the gateway with the user, role, request id and client address', async () => {
    const username = unique('split-dm');
    const user = await createUser(platform.baseUrl, platform.admin, { username, roles: ['data_manager'] });
    const subject = newSubjectId('SPL');
    const id = requestId('split-store');
    await user.client.post('/edc/store-vitals').set('x-request-id', id).send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    const { data } = await searchEvents(platform.admin, { subject, action: 'create' });
    expect(data.map((event) => event.entity_type).sort()).toEqual(['patient', 'vital_sign']);
    for (const event of data) {
      expect(event).toMatchObject({ user_id: user.id, username, role: 'data_manager', request_id: id, subject });
      expect(event.client_address).toMatch(/127\.0\.0\.1/);
    }
  });

  it('records reads made at the EDC service process', async () => {
    const reader = await createUser(platform.baseUrl, platform.admin, { username: unique('split-reader'), roles: ['monitor'] });
    const subject = newSubjectId('SPL');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    const id = requestId('split-read');
    await reader.client.get(`/edc/patients/${subject}/vitals`).set('x-request-id', id).expect(200);
    const event = await eventually(async () => (await searchEvents(platform.admin, { subject, action: 'read' })).data.find((e) => e.request_id === id));
    expect(event).toMatchObject({ user_id: reader.id, role: 'monitor', entity_type: 'patient' });
    expect((await verifyChain(platform.admin)).intact).toBe(true);
  });
});

describe('audit chain sealing', () => {
  let platform: PlatformUnderTest;
  let db: pg.Client;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one', { AUDIT_SEAL_INTERVAL_MS: '100' });
    db = await connectTo(platform);
  });
  afterAll(async () => {
    await db?.end();
    await platform?.close();
  });

  it('links new events into the chain in the background, without anyone asking for verify', async () => {
    const subject = newSubjectId('SEAL');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    const sealed = await eventually(async () => {
      const { data } = await searchEvents(platform.admin, { subject, action: 'create' });
      return data.length === 2 && data.every((event) => event.hash !== null) ? data : undefined;
    });
    for (const event of sealed) expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    const pending = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_unsealed');
    expect(pending.rows[0].n).toBeLessThanOrEqual(2);
  });

  it.each([
    ['UPDATE', "UPDATE audit_chain SET hash = repeat('0', 64) WHERE position = (SELECT min(position) FROM audit_chain)"],
    ['DELETE', 'DELETE FROM audit_chain WHERE position = (SELECT max(position) FROM audit_chain)'],
    ['TRUNCATE', 'TRUNCATE audit_chain'],
  ])('refuses %s on the chain itself', async (_statement, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/audit_chain is append-only/);
  });

  it('reports an event whose place in the queue was removed as never chained', async () => {
    await platform.admin.get('/security/audit/verify').expect(200);
    // Stop the sealers from taking the event before it is removed from the queue.
    await db.query('BEGIN');
    await db.query('SELECT pg_advisory_xact_lock(7301953)');
    const subject = newSubjectId('LOST');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).expect(201);
    const lost = await db.query<{ seq: string }>("SELECT seq FROM audit_events WHERE subject = $1 AND entity_type = 'patient'", [subject]);
    await db.query('DELETE FROM audit_unsealed WHERE seq = $1', [lost.rows[0].seq]);
    await db.query('COMMIT');
    const result = (await platform.admin.get('/security/audit/verify').expect(200)).body as Verification;
    expect(result).toMatchObject({ intact: false, first_broken: { seq: Number(lost.rows[0].seq), problem: 'the event never entered the hash chain' } });
  });
});
