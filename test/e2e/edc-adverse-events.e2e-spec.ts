import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';

/**
 * Adverse events per subject: recorded by site staff of the subject's site, listed by onset
 * (never stale after a write), refused when inconsistent or locked, in the audit trail with who
 * recorded them, and invisible from other sites.
 */

interface AdverseEvent {
  id: string;
  subject_id: string;
  site_id: string | null;
  term: string;
  onset_date: string;
  entered_in_error: boolean;
  entered_in_error_reason: string | null;
  [field: string]: unknown;
}

interface AuditEvent {
  username: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  subject: string | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

const headache = adverseEvent;

/** A date this many days from today (UTC), written YYYY-MM-DD. */
const daysFromToday = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Reads are audited in batches: a short interval lets the tests wait for them. */
const SETTINGS = { AUDIT_READ_FLUSH_MS: '100' };

describe.each(['all-in-one', 'split'] as const)('adverse events (%s)', (mode) => {
  let platform: PlatformUnderTest;
  /** An investigator of site S01, and one of site S02. */
  let atS01: { client: Client };
  let atS02: { client: Client };
  const usernameS01 = `ae.inv.s01.${mode}`;

  /** A new subject of the default study at a site (created by the admin through store-vitals). */
  const newSubject = async (siteId = 'S01', protocolId?: string): Promise<string> => {
    const subject = newSubjectId('AE');
    await storeSubject(subject, siteId, protocolId);
    return subject;
  };
  const storeSubject = async (subject: string, siteId: string, protocolId?: string): Promise<void> => {
    const record = vitalRecord({ SubjectID: subject, SiteID: siteId, ...(protocolId ? { ProtocolID: protocolId } : {}) });
    await platform.admin.post('/edc/store-vitals').send({ records: [record] }).expect(201);
  };
  const storedCount = async (subject: string): Promise<number> => {
    const { rows } = await platform.database!.admin(
      `SELECT count(*)::int AS n FROM adverse_events a JOIN patients p ON p.id = a.patient_id WHERE p.subject_number = $1`,
      [subject],
    );
    return (rows[0] as { n: number }).n;
  };
  const listed = async (client: Client, subject: string): Promise<AdverseEvent[]> => {
    const response = await client.get(`/edc/patients/${subject}/adverse-events`);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body.adverse_events as AdverseEvent[];
  };
  const create = (client: Client, subject: string, body: Record<string, unknown>) =>
    client.post(`/edc/patients/${subject}/adverse-events`).send(body);
  const auditEvents = async (query: Record<string, string>): Promise<AuditEvent[]> => {
    const response = await platform.admin.get('/security/audit/events').query({ limit: '500', ...query }).expect(200);
    return response.body.data as AuditEvent[];
  };

  beforeAll(async () => {
    platform = await startPlatform(mode, SETTINGS);
    atS01 = await createUser(platform.baseUrl, platform.admin, { username: usernameS01, roles: ['investigator'], site_ids: ['S01'] });
    atS02 = await createUser(platform.baseUrl, platform.admin, { username: `ae.inv.s02.${mode}`, roles: ['investigator'], site_ids: ['S02'] });
  });
  afterAll(() => platform?.close());

  it('records events and lists them by onset, never stale after a create (the list was cached before)', async () => {
    const subject = await newSubject();
    expect(await listed(atS01.client, subject)).toEqual([]);

    const later = await create(atS01.client, subject, headache({ onset_date: '2026-03-05', end_date: null, outcome: 'recovering' })).expect(201);
    expect(later.body).toEqual({
      id: expect.any(String),
      subject_id: subject,
      protocol_id: 'DEFAULT',
      site_id: 'S01',
      term: 'Headache',
      body_system: 'Nervous system disorders',
      onset_date: '2026-03-05',
      end_date: null,
      severity_grade: 1,
      serious: false,
      relationship: 'possibly_related',
      outcome: 'recovering',
      action_taken: 'none',
      entered_in_error: false,
      entered_in_error_reason: null,
      recorded_at: expect.any(String),
      corrected_at: null,
    });
    expect((await listed(atS01.client, subject)).map((event) => event.id)).toEqual([later.body.id]);

    const earlier = await create(
      atS01.client,
      subject,
      headache({ term: 'Nausea', body_system: 'Gastrointestinal disorders', onset_date: '2026-03-01', end_date: '2026-03-01', severity_grade: 2 }),
    ).expect(201);
    const events = await listed(atS01.client, subject);
    expect(events.map((event) => event.id)).toEqual([earlier.body.id, later.body.id]);
    expect(events[0]).toEqual(earlier.body);

    const one = await atS01.client.get(`/edc/adverse-events/${later.body.id}`).expect(200);
    expect(one.body).toEqual(later.body);
  });

  it('records a fatal event (grade 5, serious) and an event without an end date', async () => {
    const subject = await newSubject();
    const fatal = headache({ term: 'Myocardial infarction', body_system: 'Cardiac disorders', severity_grade: 5, serious: true, outcome: 'fatal', action_taken: 'not_applicable' });
    await create(atS01.client, subject, fatal).expect(201);
    const { end_date: _none, ...ongoing } = headache({ outcome: 'not_recovered' });
    expect((await create(atS01.client, subject, ongoing).expect(201)).body.end_date).toBeNull();
    expect(await storedCount(subject)).toBe(2);
  });

  it('audits the creation with its actor, subject and values, and each read of the list', async () => {
    const subject = await newSubject();
    const created = await create(atS01.client, subject, headache()).expect(201);
    const [event] = await eventually(async () => {
      const found = await auditEvents({ entityType: 'adverse_event', entityId: created.body.id });
      return found.length > 0 ? found : undefined;
    });
    expect(event).toMatchObject({ username: usernameS01, action: 'create', entity_type: 'adverse_event', subject });
    // The search the refusal tests below use to show that nothing was recorded finds it too.
    expect((await auditEvents({ entityType: 'adverse_event', subject })).map((found) => found.entity_id)).toEqual([created.body.id]);
    expect(event.changes).toMatchObject({
      term: { old: null, new: 'Headache' },
      body_system: { old: null, new: 'Nervous system disorders' },
      onset_date: { old: null, new: '2026-03-02' },
      severity_grade: { old: null, new: 1 },
      serious: { old: null, new: false },
      outcome: { old: null, new: 'recovered' },
    });

    await listed(atS01.client, subject);
    await eventually(async () => {
      const reads = await auditEvents({ action: 'read', subject });
      return reads.some((read) => read.username === usernameS01) ? true : undefined;
    });
  });

  describe('refuses with 400 and stores nothing', () => {
    let subject = '';
    beforeAll(async () => {
      subject = await newSubject();
    });

    const { term: _term, ...withoutTerm } = headache();
    it.each([
      ['an end before the onset', headache({ onset_date: '2026-03-05', end_date: '2026-03-04' }), 'end_date'],
      ['grade 5 without a fatal outcome', headache({ severity_grade: 5, serious: true }), 'outcome'],
      ['a fatal outcome below grade 5', headache({ severity_grade: 4, serious: true, outcome: 'fatal' }), 'severity_grade'],
      ['a fatal event not serious', headache({ severity_grade: 5, serious: false, outcome: 'fatal' }), 'serious'],
      ['an onset in the future', headache({ onset_date: daysFromToday(3), end_date: null }), 'onset_date'],
      ['an end in the future', headache({ end_date: daysFromToday(3) }), 'end_date'],
      ['a date that does not exist', headache({ onset_date: '2026-02-30' }), 'onset_date'],
      ['an unknown field', headache({ subject_id: 'RA001-001' }), 'subject_id'],
      ['a grade as text', headache({ severity_grade: '2' }), 'severity_grade'],
      ['grade 6', headache({ severity_grade: 6 }), 'severity_grade'],
      ['serious as text', headache({ serious: 'yes' }), 'serious'],
      ['a term that is a number', headache({ term: 42 }), 'term'],
      ['a blank term', headache({ term: '  ' }), 'term'],
      ['a term of 201 characters', headache({ term: 'x'.repeat(201) }), 'term'],
      ['a missing term', withoutTerm, 'term'],
      ['an unknown relationship', headache({ relationship: 'likely' }), 'relationship'],
      ['an unknown outcome', headache({ outcome: 'resolved' }), 'outcome'],
      ['an unknown action', headache({ action_taken: 'stopped' }), 'action_taken'],
    ])('%s', async (_case, body, field) => {
      const response = await create(atS01.client, subject, body);
      expect({ status: response.status, fields: response.body.details?.map((detail: { field: string }) => detail.field) }).toEqual({
        status: 400,
        fields: [field],
      });
      expect(await storedCount(subject)).toBe(0);
    });

    it('an unknown body system, listing the MedDRA System Organ Classes', async () => {
      const response = await create(atS01.client, subject, headache({ body_system: 'Neurology' })).expect(400);
      expect(response.body.details).toHaveLength(1);
      expect(response.body.details[0].field).toBe('body_system');
      for (const soc of ['Nervous system disorders', 'Infections and infestations', 'Neoplasms benign, malignant and unspecified (incl cysts and polyps)']) {
        expect(response.body.details[0].problems[0]).toContain(soc);
      }
      expect(await storedCount(subject)).toBe(0);
    });

    it('and none of the refusals above is in the audit trail as a creation', async () => {
      expect(await auditEvents({ entityType: 'adverse_event', subject })).toEqual([]);
    });

    it('a malformed event id (400), and an unknown one (404)', async () => {
      await atS01.client.get('/edc/adverse-events/not-a-uuid').expect(400);
      await atS01.client.get('/edc/adverse-events/00000000-0000-4000-8000-000000000000').expect(404);
    });
  });

  describe('site scoping', () => {
    let subject = '';
    let eventId = '';
    beforeAll(async () => {
      subject = await newSubject('S01');
      eventId = (await create(atS01.client, subject, headache()).expect(201)).body.id;
      // Cached and read by a user of every site first: the cache is shared, the answer must not be.
      await listed(platform.admin, subject);
    });

    it("answers 404 to a user of S02 for S01's subject, its list and its event, as for a missing subject", async () => {
      const missing = newSubjectId('NONE');
      const ofMissing = await atS02.client.get(`/edc/patients/${missing}/adverse-events`).expect(404);
      const ofOther = await atS02.client.get(`/edc/patients/${subject}/adverse-events`).expect(404);
      expect(ofOther.body.message).toBe(ofMissing.body.message.replace(missing, subject));
      const event = await atS02.client.get(`/edc/adverse-events/${eventId}`).expect(404);
      expect(event.body.message).toBe(`No adverse event ${eventId}`);
      expect(JSON.stringify(event.body)).not.toContain(subject);
    });

    it("refuses a user of S02 who records an event for S01's subject (404), storing nothing", async () => {
      const response = await create(atS02.client, subject, headache({ term: 'Rash' })).expect(404);
      expect(response.body.message).toBe(`No subject ${subject}`);
      expect(await storedCount(subject)).toBe(1);
    });

    it('lets a user of S02 record and read for their own subject', async () => {
      const own = await newSubject('S02');
      const created = await create(atS02.client, own, headache()).expect(201);
      expect(created.body.site_id).toBe('S02');
      await atS02.client.get(`/edc/adverse-events/${created.body.id}`).expect(200);
      await atS01.client.get(`/edc/adverse-events/${created.body.id}`).expect(404);
    });
  });

  it('asks for ?protocolId= when the subject number exists in several protocols', async () => {
    const subject = newSubjectId('AE');
    await storeSubject(subject, 'S01', 'AE-ONE');
    await storeSubject(subject, 'S01', 'AE-TWO');
    const ambiguous = await create(atS01.client, subject, headache()).expect(409);
    expect(ambiguous.body.message).toContain('protocolId');
    const created = await atS01.client.post(`/edc/patients/${subject}/adverse-events`).query({ protocolId: 'AE-TWO' }).send(headache()).expect(201);
    expect(created.body.protocol_id).toBe('AE-TWO');
    const listTwo = await atS01.client.get(`/edc/patients/${subject}/adverse-events`).query({ protocolId: 'AE-TWO' }).expect(200);
    expect(listTwo.body.adverse_events.map((event: AdverseEvent) => event.id)).toEqual([created.body.id]);
    const listOne = await atS01.client.get(`/edc/patients/${subject}/adverse-events`).query({ protocolId: 'AE-ONE' }).expect(200);
    expect(listOne.body.adverse_events).toEqual([]);
  });

  it('shows an event entered in error when asked for by id (its history stays reachable), and leaves it out of the list', async () => {
    const subject = await newSubject();
    const kept = (await create(atS01.client, subject, headache()).expect(201)).body as AdverseEvent;
    const wrong = (await create(atS01.client, subject, headache({ term: 'Migraine' })).expect(201)).body as AdverseEvent;
    // Done in SQL until the entered-in-error route exists (it lives with corrections).
    await platform.database!.admin(`
      BEGIN;
      SELECT set_config('ctp.change_reason', 'recorded for the wrong subject', true);
      UPDATE adverse_events SET entered_in_error_at = now(), entered_in_error_reason = 'recorded for the wrong subject' WHERE id = '${wrong.id}';
      COMMIT`);

    const one = await atS01.client.get(`/edc/adverse-events/${wrong.id}`).expect(200);
    expect(one.body).toMatchObject({ id: wrong.id, entered_in_error: true, entered_in_error_reason: 'recorded for the wrong subject' });
    expect((await listed(atS01.client, subject)).map((event) => event.id)).toEqual([kept.id]);
  });

  it('refuses an event for a locked subject with 409 naming who locked it, storing nothing', async () => {
    const subject = await newSubject();
    await platform.database!.admin(
      `INSERT INTO edc_locks (patient_id, locked_by_username) SELECT id, 'dm1' FROM patients WHERE subject_number = $1`,
      [subject],
    );
    const response = await create(atS01.client, subject, headache()).expect(409);
    expect(response.body.message).toMatch(new RegExp(`subject ${subject} is locked by dm1 since \\d{4}-\\d{2}-\\d{2}T`));
    expect(await storedCount(subject)).toBe(0);
    expect(await listed(atS01.client, subject)).toEqual([]);
    expect(await auditEvents({ entityType: 'adverse_event', subject })).toEqual([]);
  });
});
