import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { eventually } from '../support/wait.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * A user limited to sites sees in the audit trail only events about subjects of their sites, and
 * their own events about no subject (sign-in, sign-out, exports): in the search, its counts
 * (`page.total`) and the CSV export, whatever the filters, in both run modes.
 */

interface AuditEvent {
  user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  subject: string | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

interface AuditPage {
  data: AuditEvent[];
  page: { total: number };
}

type Query = Record<string, string>;

/** Reads are written in batches; the tests set the interval short and wait for them. */
const SETTINGS = { AUDIT_READ_FLUSH_MS: '100' };
const ALL = { limit: '500' };

describe.each(['all-in-one', 'split'] as const)('the audit trail of a monitor limited to site S01 (%s)', (mode) => {
  let platform: PlatformUnderTest;
  let limited: { id: string; client: Client };
  let unlimited: { id: string; client: Client };
  let adminId: string;
  /** Subject numbers: one at each site, and one used in a protocol at each site. */
  const atS01 = newSubjectId('S1');
  const atS02 = newSubjectId('S2');
  const shared = newSubjectId('SH');
  /** Ids of patients and vital signs at each site (an event's entity_id). */
  const entities: Record<'S01' | 'S02', Set<string>> = { S01: new Set(), S02: new Set() };

  const search = async (client: Client, query: Query): Promise<AuditPage> => {
    const response = await client.get('/security/audit/events').query({ ...ALL, ...query });
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body as AuditPage;
  };
  const exportCsv = async (client: Client, query: Query): Promise<string[]> => {
    const response = await client.get('/security/audit/events/export').query(query);
    expect({ status: response.status, text: response.text }).toMatchObject({ status: 200 });
    return response.text.trimEnd().split('\r\n').slice(1);
  };
  /** Whether an event is about something at S02 (by subject number or entity). */
  const aboutS02 = (event: AuditEvent): boolean => event.subject === atS02 || entities.S02.has(event.entity_id ?? '');
  const aboutS01 = (event: AuditEvent): boolean => event.subject === atS01 || entities.S01.has(event.entity_id ?? '');

  beforeAll(async () => {
    platform = await startPlatform(mode, SETTINGS);
    limited = await createUser(platform.baseUrl, platform.admin, { username: `mon.s01.${mode}`, roles: ['monitor'], site_ids: ['S01'] });
    unlimited = await createUser(platform.baseUrl, platform.admin, { username: `mon.all.${mode}`, roles: ['monitor'] });
    adminId = (await platform.admin.get('/security/auth/me').expect(200)).body.id;

    await platform.admin
      .post('/edc/store-vitals')
      .send({
        records: [
          vitalRecord({ SubjectID: atS01, SiteID: 'S01' }),
          vitalRecord({ SubjectID: atS02, SiteID: 'S02' }),
          vitalRecord({ SubjectID: shared, SiteID: 'S01', ProtocolID: 'P-ONE' }),
          vitalRecord({ SubjectID: shared, SiteID: 'S02', ProtocolID: 'P-TWO' }),
        ],
      })
      .expect(201);
    const db = platform.database!;
    for (const row of (
      await db.admin(`
        SELECT p.site_id, p.id::text AS id FROM patients p
        UNION ALL SELECT p.site_id, v.id::text FROM vital_signs v JOIN patients p ON p.id = v.patient_id`)
    ).rows as Array<{ site_id: 'S01' | 'S02'; id: string }>) {
      entities[row.site_id].add(row.id);
    }

    // Reads: the limited monitor of its site's subjects, the unlimited one of both sites'.
    await limited.client.get(`/edc/patients/${atS01}/vitals`).expect(200);
    await limited.client.get(`/edc/patients/${shared}`).query({ protocolId: 'P-ONE' }).expect(200);
    await unlimited.client.get(`/edc/patients/${atS02}/vitals`).expect(200);
    await unlimited.client.get(`/edc/patients/${shared}`).query({ protocolId: 'P-TWO' }).expect(200);
    await unlimited.client.get('/edc/patients').query({ siteId: 'S02' }).expect(200);
    // A correction at S02 of the subject number that is also at S01: the trigger's event names the number.
    await db.admin(`
      BEGIN;
      SELECT set_config('ctp.change_reason', 'transcription error', true);
      UPDATE vital_signs SET heart_rate = heart_rate + 1
       WHERE patient_id = (SELECT id FROM patients WHERE subject_number = '${shared}' AND protocol_id = 'P-TWO');
      COMMIT`);
    // Events naming no subject number but a patient or vital sign: placed by their entity.
    const [s02Patient] = (await db.admin(`SELECT id::text FROM patients WHERE subject_number = $1`, [atS02])).rows as Array<{ id: string }>;
    const [s01Vital] = (
      await db.admin(`SELECT v.id::text FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number = $1`, [atS01])
    ).rows as Array<{ id: string }>;
    await db.admin(`INSERT INTO audit_events (user_id, username, action, entity_type, entity_id) VALUES ($1, 'mon', 'read', 'patient', $2)`, [
      limited.id,
      s02Patient.id,
    ]);
    await db.admin(`INSERT INTO audit_events (user_id, username, action, entity_type, entity_id) VALUES ($1, 'admin', 'read', 'vital_sign', $2)`, [
      adminId,
      s01Vital.id,
    ]);

    await eventually(async () => {
      const reads = await search(unlimited.client, { action: 'read' });
      // Six reads through the API and the two events written above.
      return reads.page.total >= 8 ? true : undefined;
    });
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** Every filter a client may send, each one a way the other site's subject could show through. */
  const queries = (): Query[] => [
    {},
    { subject: atS01 },
    { subject: atS02 },
    { subject: shared },
    { action: 'read' },
    { action: 'create' },
    { action: 'update' },
    { entityType: 'patient' },
    { entityType: 'vital_sign' },
    ...[...entities.S02].map((entityId) => ({ entityId })),
    { userId: unlimited.id },
    { userId: limited.id },
  ];

  it("search: no filter shows another site's subject, and page.total counts only what is shown", async () => {
    for (const query of queries()) {
      const page = await search(limited.client, query);
      expect({ query, about_s02: page.data.filter(aboutS02) }).toEqual({ query, about_s02: [] });
      expect({ query, total: page.page.total }).toEqual({ query, total: page.data.length });
    }
  });

  it("search: their site's subject is found with its vital signs, the other site's subject not at all", async () => {
    const own = await search(limited.client, { subject: atS01 });
    expect(own.data.map((event) => `${event.action} ${event.entity_type}`)).toEqual(
      expect.arrayContaining(['create patient', 'create vital_sign', 'read patient']),
    );
    expect(await search(limited.client, { subject: atS02 })).toMatchObject({ data: [], page: { total: 0 } });
  });

  it('a subject number used at both sites: only the events of the subject at their site', async () => {
    const page = await search(limited.client, { subject: shared });
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.every((event) => entities.S01.has(event.entity_id ?? ''))).toBe(true);
    const everyone = await search(unlimited.client, { subject: shared });
    expect(everyone.data.filter(aboutS02).map((event) => event.action)).toEqual(expect.arrayContaining(['create', 'read', 'update']));
  });

  it('an event naming no subject number is placed by its patient or vital sign, whoever made it', async () => {
    const unnamed = (await search(limited.client, { entityType: 'patient' })).data.concat((await search(limited.client, { entityType: 'vital_sign' })).data);
    const withoutSubject = unnamed.filter((event) => event.subject === null);
    // The admin's event about an S01 vital sign is shown; their own about an S02 patient is not.
    expect(withoutSubject.map((event) => ({ user_id: event.user_id, site: entities.S01.has(event.entity_id!) ? 'S01' : 'elsewhere' }))).toEqual([
      { user_id: adminId, site: 'S01' },
    ]);
  });

  it("a subject deleted at the other site stays hidden, though its number now names only a subject at theirs", async () => {
    const reused = newSubjectId('DL');
    await platform.admin
      .post('/edc/store-vitals')
      .send({ records: [vitalRecord({ SubjectID: reused, SiteID: 'S01', ProtocolID: 'P-KEEP' }), vitalRecord({ SubjectID: reused, SiteID: 'S02', ProtocolID: 'P-DEL' })] })
      .expect(201);
    const db = platform.database!;
    const doomed = (
      await db.admin(
        `SELECT p.id::text AS patient, v.id::text AS vital FROM patients p JOIN vital_signs v ON v.patient_id = p.id
          WHERE p.subject_number = $1 AND p.protocol_id = 'P-DEL'`,
        [reused],
      )
    ).rows as Array<{ patient: string; vital: string }>;
    for (const row of doomed) entities.S02.add(row.patient).add(row.vital);
    await db.admin(`
      BEGIN;
      SELECT set_config('ctp.change_reason', 'enrolled at the wrong site', true);
      DELETE FROM vital_signs WHERE patient_id = '${doomed[0].patient}';
      DELETE FROM patients WHERE id = '${doomed[0].patient}';
      COMMIT`);
    const everyone = await search(unlimited.client, { subject: reused });
    expect(everyone.data.filter(aboutS02).map((event) => event.action)).toEqual(expect.arrayContaining(['create', 'delete']));
    const page = await search(limited.client, { subject: reused });
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.filter(aboutS02)).toEqual([]);
    expect(page.page.total).toBe(page.data.length);
  });

  it('events about no subject: only their own sign-in and exports, no other user\'s', async () => {
    await exportCsv(limited.client, { subject: atS01 });
    const page = await search(limited.client, {});
    const aboutNoSubject = page.data.filter((event) => event.subject === null && !['patient', 'vital_sign'].includes(event.entity_type));
    expect(aboutNoSubject.length).toBeGreaterThan(0);
    expect(aboutNoSubject.every((event) => event.user_id === limited.id)).toBe(true);
    expect(aboutNoSubject.map((event) => event.action)).toEqual(expect.arrayContaining(['login', 'export']));
    // Each export records the sites it was limited to.
    expect(aboutNoSubject.find((event) => event.action === 'export')?.changes).toMatchObject({ site_ids: { new: ['S01'] }, rows: { new: expect.any(Number) } });
    expect(await search(limited.client, { userId: adminId, entityType: 'user' })).toMatchObject({ data: [], page: { total: 0 } });
  });

  it('the CSV export holds exactly what the search shows, never the other site', async () => {
    for (const query of queries()) {
      const { page } = await search(limited.client, query);
      const rows = await exportCsv(limited.client, query);
      expect({ query, rows: rows.length }).toEqual({ query, rows: page.total });
      // Their own earlier exports name the filters they typed, which tell them nothing new.
      const leaked = rows
        .filter((row) => !row.includes(`,${limited.id},`) || !row.includes(',export,audit_events,'))
        .filter((row) => row.includes(atS02) || [...entities.S02].some((id) => row.includes(id)));
      expect({ query, leaked }).toEqual({ query, leaked: [] });
    }
    expect((await exportCsv(limited.client, { subject: atS01 })).some((row) => row.includes(atS01))).toBe(true);
  });

  it('a monitor with every site sees both sites in the search, its counts and the export', async () => {
    for (const subject of [atS01, atS02]) {
      const page = await search(unlimited.client, { subject });
      expect(page.page.total).toBeGreaterThan(0);
      expect(page.page.total).toBe(page.data.length);
      expect((await exportCsv(unlimited.client, { subject })).length).toBe(page.page.total);
    }
    const everything = await search(unlimited.client, {});
    expect(everything.data.some(aboutS02) && everything.data.some(aboutS01)).toBe(true);
    expect(everything.page.total).toBeGreaterThan((await search(limited.client, {})).page.total);
  });
});
