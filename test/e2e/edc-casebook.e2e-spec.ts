import { randomBytes } from 'node:crypto';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord, type VitalRecordBody } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';

interface CasebookVital {
  id: string;
  visit_date: string | null;
  systolic_bp: number;
  study_day: number | null;
  within_window: boolean | null;
}
interface CasebookVisit {
  visit_name: string;
  scheduled: boolean;
  planned_day: number | null;
  window: { from_day: number; to_day: number } | null;
  required: boolean;
  missing: boolean;
  vitals: CasebookVital[];
}
interface Casebook {
  patient_id: string;
  subject_id: string;
  study: { protocol_id: string; title: string | null; status: string | null };
  visits: CasebookVisit[];
  adverse_events: Array<{ id: string; term: string; onset_date: string; onset_study_day: number | null }>;
  locks: Array<{ id: string; visit_name: string | null; open: boolean; locked_by_username: string; unlocked_by_username: string | null }>;
  signatures: Array<{ id: string; valid: boolean; invalidated_at: string | null; invalidated_by: { entity_type: string; action: string } | null }>;
  [field: string]: unknown;
}

const HEADACHE = adverseEvent({ onset_date: '2026-03-10', end_date: '2026-03-12' });

interface SchemaLike {
  $ref?: string;
  allOf?: SchemaLike[];
  type?: string;
  nullable?: boolean;
  properties?: Record<string, SchemaLike>;
  required?: string[];
  items?: SchemaLike;
}

/** What in a real answer its OpenAPI schema does not describe (undocumented or missing fields, wrong types). */
function undocumented(schemas: Record<string, SchemaLike>, value: unknown, schema: SchemaLike, at = 'body'): string[] {
  if (schema.$ref) return undocumented(schemas, value, schemas[schema.$ref.replace('#/components/schemas/', '')], at);
  if (schema.allOf?.length === 1) return value === null && schema.nullable ? [] : undocumented(schemas, value, schema.allOf[0], at);
  if (value === null) return schema.nullable ? [] : [`${at} is null`];
  if (schema.type === 'array') {
    return Array.isArray(value) ? value.flatMap((item, index) => undocumented(schemas, item, schema.items ?? {}, `${at}[${index}]`)) : [`${at} is not an array`];
  }
  if (schema.type === 'integer') return Number.isInteger(value) ? [] : [`${at} is not an integer`];
  if (schema.type && schema.type !== 'object') return typeof value === schema.type ? [] : [`${at} is not a ${schema.type}`];
  if (!schema.properties) return [];
  const record = value as Record<string, unknown>;
  return [
    ...(schema.required ?? []).filter((name) => !(name in record)).map((name) => `${at}.${name} is missing`),
    ...Object.entries(record).flatMap(([name, item]) =>
      schema.properties![name] ? undocumented(schemas, item, schema.properties![name], `${at}.${name}`) : [`${at}.${name} is not documented`],
    ),
  ];
}

const requestId = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * The casebook: everything about one subject in one read, from the cache, never stale after a
 * write through any route, site-scoped and audited.
 */
describe.each(['all-in-one', 'split'] as const)('the subject casebook (%s)', (mode) => {
  let platform: PlatformUnderTest;
  let atS01: Client;
  let atS02: Client;
  let s01InvestigatorId: string;
  let s01Password: string;

  const casebookOf = async (client: Client, subject: string): Promise<Casebook> =>
    (await client.get(`/edc/patients/${subject}/casebook`).expect(200)).body as Casebook;
  const visit = (casebook: Casebook, name: string): CasebookVisit => {
    const found = casebook.visits.find((each) => each.visit_name === name);
    if (!found) throw new Error(`no visit ${name} in ${JSON.stringify(casebook.visits.map((each) => each.visit_name))}`);
    return found;
  };
  const store = (records: VitalRecordBody[]) => platform.admin.post('/edc/store-vitals').send({ records }).expect(201);
  const patientIdOf = async (subject: string): Promise<string> => (await platform.admin.get(`/edc/patients/${subject}`).expect(200)).body.id as string;
  const sign = (subject: string) => atS01.post(`/edc/patients/${subject}/signatures`).send({ password: s01Password }).expect(201);
  /** Reads the casebook (the second read from the cache), makes the write, and reads it again at once. */
  async function aroundWrite(subject: string, write: () => Promise<unknown>): Promise<{ before: Casebook; after: Casebook }> {
    const before = await casebookOf(atS01, subject);
    await casebookOf(atS01, subject);
    await write();
    return { before, after: await casebookOf(atS01, subject) };
  }

  /** A subject at S01 of the default study with vitals at several visits. Day 1 is 2026-03-01. */
  async function subjectWithVisits(): Promise<string> {
    const subject = newSubjectId('CB');
    const at = { SubjectID: subject, SiteID: 'S01' };
    await store([
      vitalRecord({ ...at, VisitName: 'Screening', VisitDate: '2026-02-15' }), // day -14: the window's first day
      vitalRecord({ ...at, VisitName: 'Day 1', VisitDate: '2026-03-01' }),
      vitalRecord({ ...at, VisitName: 'Week 4', VisitDate: '2026-04-05', SystolicBP: 131 }), // day 36: after 25..31
      vitalRecord({ ...at, VisitName: 'Week 4', VisitDate: '2026-03-29', SystolicBP: 129, MeasurementTime: '2026-03-29T09:00:00Z' }), // day 29
      vitalRecord({ ...at, VisitName: 'Unplanned BP check', VisitDate: '2026-03-15' }), // day 15, unscheduled
    ]);
    return subject;
  }

  beforeAll(async () => {
    platform = await startPlatform(mode);
    const s01 = await createUser(platform.baseUrl, platform.admin, { username: 'casebook.s01', roles: ['investigator'], site_ids: ['S01'] });
    atS01 = s01.client;
    s01InvestigatorId = s01.id;
    s01Password = s01.password;
    await platform.admin.patch(`/security/users/${s01.id}`).send({ full_name: 'Dr Casebook' }).expect(200);
    atS02 = (await createUser(platform.baseUrl, platform.admin, { username: 'casebook.s02', roles: ['investigator'], site_ids: ['S02'] })).client;
  });
  afterAll(async () => {
    await platform?.close();
  });

  describe('a subject with visits, an adverse event, locks and a signature', () => {
    let subject: string;
    let patientId: string;

    beforeAll(async () => {
      subject = await subjectWithVisits();
      patientId = await patientIdOf(subject);
      await platform.admin.post(`/edc/patients/${subject}/adverse-events`).send(HEADACHE).expect(201);
      // A lock placed and lifted, one open on Screening, then the investigator's signature.
      await platform.admin.post(`/edc/patients/${subject}/lock`).send({ reason: 'first review' }).expect(201);
      await platform.admin.post(`/edc/patients/${subject}/unlock`).send({ reason: 'query answered' }).expect(200);
      await platform.admin.post(`/edc/patients/${subject}/lock`).send({ visit_name: 'Screening', reason: 'screening reviewed' }).expect(201);
      await sign(subject);
    });

    it('shows the study, the subject, its visits in schedule order with study days and windows, then unscheduled visits', async () => {
      const casebook = await casebookOf(atS01, subject);
      expect(casebook).toMatchObject({
        patient_id: patientId,
        subject_id: subject,
        protocol_id: 'DEFAULT',
        site_id: 'S01',
        treatment_arm: 'Active',
        study: { protocol_id: 'DEFAULT', title: expect.any(String), status: expect.any(String), baseline_visit: 'Day 1' },
        site: { site_id: 'S01' },
        arm: { arm_code: 'Active', description: expect.any(String) },
        randomized_by_platform: false,
        randomized_at: null,
        status: expect.any(String),
        status_date: null,
        status_reason: null,
        consent_date: null,
        demographics: expect.any(Object),
        study_day_1: { date: '2026-03-01', from: 'baseline_visit' },
      });
      expect('enrollment_date' in casebook).toBe(true);
      expect(casebook.visits.map((each) => [each.visit_name, each.scheduled, each.required, each.missing])).toEqual([
        ['Screening', true, true, false],
        ['Day 1', true, true, false],
        ['Week 4', true, true, false],
        ['Week 12', true, true, true],
        ['Unplanned BP check', false, false, false],
      ]);
      expect(visit(casebook, 'Week 4')).toMatchObject({ planned_day: 28, window: { from_day: 25, to_day: 31 } });
      expect(visit(casebook, 'Screening')).toMatchObject({ planned_day: -1, window: { from_day: -14, to_day: -1 } });
      const days = (name: string) => visit(casebook, name).vitals.map((each) => [each.visit_date, each.study_day, each.within_window]);
      expect(days('Screening')).toEqual([['2026-02-15', -14, true]]);
      expect(days('Day 1')).toEqual([['2026-03-01', 1, true]]);
      expect(days('Week 4')).toEqual([
        ['2026-03-29', 29, true],
        ['2026-04-05', 36, false],
      ]);
      expect(visit(casebook, 'Week 12').vitals).toEqual([]);
      expect(visit(casebook, 'Unplanned BP check')).toMatchObject({ planned_day: null, window: null, vitals: [{ study_day: 15, within_window: null }] });
      expect(visit(casebook, 'Day 1').vitals[0]).toMatchObject({ systolic_bp: 125, diastolic_bp: 80, heart_rate: 72, temperature: 36.8 });
    });

    it('shows its adverse events, its open and past locks, and its signatures', async () => {
      const casebook = await casebookOf(atS01, subject);
      expect(casebook.adverse_events).toEqual([
        expect.objectContaining({ ...HEADACHE, onset_study_day: 10, corrected_at: null, recorded_at: expect.any(String) }),
      ]);
      expect(casebook.locks).toEqual([
        expect.objectContaining({ visit_name: null, open: false, locked_by_username: 'admin', reason: 'first review', unlocked_by_username: 'admin', unlock_reason: 'query answered' }),
        expect.objectContaining({ visit_name: 'Screening', open: true, locked_by_username: 'admin', unlocked_at: null, unlocked_by_username: null }),
      ]);
      expect(casebook.signatures).toEqual([
        {
          id: expect.any(String),
          signer_id: s01InvestigatorId,
          signer_username: 'casebook.s01',
          signer_full_name: 'Dr Casebook',
          meaning: 'I approve the data as complete and accurate',
          signed_at: expect.any(String),
          valid: true,
          invalidated_at: null,
          invalidated_by: null,
        },
      ]);
      expect(casebook).not.toHaveProperty('data_queries');
    });

    it('answers as its OpenAPI document says, every field documented', async () => {
      const document = (await platform.admin.get('/docs-json').expect(200)).body as {
        paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: SchemaLike }> }> } }>;
        components: { schemas: Record<string, SchemaLike> };
      };
      const schema = document.paths['/edc/patients/{subjectId}/casebook'].get.responses['200'].content['application/json'].schema;
      const answer = await casebookOf(atS01, subject);
      expect(undocumented(document.components.schemas, answer, schema)).toEqual([]);
    });

    it('answers a user of another site 404, word for word as for a subject that does not exist', async () => {
      const other = await atS02.get(`/edc/patients/${subject}/casebook`).expect(404);
      const missing = newSubjectId('NONE');
      const none = await atS02.get(`/edc/patients/${missing}/casebook`).expect(404);
      expect(other.body.message).toBe(none.body.message.replace(missing, subject));
      // Also once the casebook is cached for users who may see it.
      await casebookOf(atS01, subject);
      await atS02.get(`/edc/patients/${subject}/casebook`).expect(404);
    });

    it('records each read in the audit trail, also those answered from the cache', async () => {
      const ids = [requestId('casebook'), requestId('cached')];
      for (const id of ids) await atS01.get(`/edc/patients/${subject}/casebook`).set('x-request-id', id).expect(200);
      const events = await eventually(async () => {
        const { body } = await platform.admin.get('/security/audit/events').query({ subject, action: 'read', userId: s01InvestigatorId }).expect(200);
        const found = (body.data as Array<{ request_id: string }>).filter((event) => ids.includes(event.request_id));
        return found.length === ids.length ? found : undefined;
      });
      for (const event of events) expect(event).toMatchObject({ action: 'read', entity_type: 'patient', entity_id: patientId, subject, username: 'casebook.s01' });
    });
  });

  describe('served from the cache and never stale after a write', () => {
    it('serves the cached casebook until a store-vitals to the subject, then at once the stored record', async () => {
      const subject = await subjectWithVisits();
      const before = await casebookOf(atS01, subject);
      expect(visit(before, 'Week 12').missing).toBe(true);
      // A change made behind the EDC's back (no write path, so no invalidation) stays unseen: the read is cached.
      await platform.database!.admin(`UPDATE studies SET title = title || ' (renamed behind the cache)' WHERE protocol_id = 'DEFAULT'`);
      try {
        expect((await casebookOf(atS01, subject)).study.title).toBe(before.study.title);

        await store([vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Week 12', VisitDate: '2026-05-24' })]);
        const after = await casebookOf(atS01, subject);
        expect(visit(after, 'Week 12')).toMatchObject({ missing: false, vitals: [{ visit_date: '2026-05-24', study_day: 85, within_window: true }] });
        expect(after.study.title).toBe(`${before.study.title} (renamed behind the cache)`);
      } finally {
        await platform.database!.admin(`UPDATE studies SET title = replace(title, ' (renamed behind the cache)', '') WHERE protocol_id = 'DEFAULT'`);
      }
    });

    it('shows a record captured on its own at once', async () => {
      const subject = await subjectWithVisits();
      const { before, after } = await aroundWrite(subject, () =>
        atS01
          .post(`/edc/patients/${subject}/vitals`)
          .send({ visit_name: 'Week 12', visit_date: '2026-05-20', systolic_bp: 118, diastolic_bp: 76, heart_rate: 64, temperature: 36.5 })
          .expect(201),
      );
      expect(visit(before, 'Week 12').missing).toBe(true);
      expect(visit(after, 'Week 12')).toMatchObject({ missing: false, vitals: [{ systolic_bp: 118, study_day: 81, within_window: true }] });
    });

    it('shows records imported from a CSV file at once', async () => {
      const subject = await subjectWithVisits();
      const csv = ['SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,SiteID,VisitDate', `${subject},Week 12,Active,121,79,66,36.7,S01,2026-05-30`].join('\n');
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin.post('/edc/studies/DEFAULT/vitals/import').set('Content-Type', 'text/csv').send(csv).expect(201),
      );
      expect(visit(before, 'Week 12').missing).toBe(true);
      expect(visit(after, 'Week 12')).toMatchObject({ missing: false, vitals: [{ systolic_bp: 121, study_day: 91, within_window: true }] });
    });

    it('shows a correction at once (the record moved into its window), and the signature it invalidated', async () => {
      const subject = await subjectWithVisits();
      await sign(subject);
      const late = visit(await casebookOf(atS01, subject), 'Week 4').vitals.find((each) => each.visit_date === '2026-04-05')!;
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin.patch(`/edc/vitals/${late.id}`).send({ visit_date: '2026-03-30', systolic_bp: 127, reason: 'transcription error' }).expect(200),
      );
      expect(before.signatures).toEqual([expect.objectContaining({ valid: true, invalidated_by: null })]);
      const corrected = visit(after, 'Week 4').vitals.find((each) => each.id === late.id);
      expect(corrected).toMatchObject({ visit_date: '2026-03-30', systolic_bp: 127, study_day: 30, within_window: true, corrected_at: expect.any(String) });
      expect(after.signatures).toEqual([
        expect.objectContaining({
          valid: false,
          invalidated_at: expect.any(String),
          invalidated_by: expect.objectContaining({ entity_type: 'vital_sign', action: 'correct', entity_ids: [late.id], reason: 'transcription error', username: 'admin' }),
        }),
      ]);
    });

    it('leaves out a record entered in error at once: its visit is missing again, and without its baseline visit the subject has no study days', async () => {
      const subject = await subjectWithVisits();
      const [day1] = visit(await casebookOf(atS01, subject), 'Day 1').vitals;
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin.post(`/edc/vitals/${day1.id}/entered-in-error`).send({ reason: 'recorded for the wrong subject' }).expect(200),
      );
      expect(before.study_day_1).toEqual({ date: '2026-03-01', from: 'baseline_visit' });
      expect(visit(after, 'Day 1')).toMatchObject({ missing: true, vitals: [] });
      expect(after.study_day_1).toBeNull();
      expect(visit(after, 'Week 4').vitals.map((each) => [each.study_day, each.within_window])).toEqual([
        [null, null],
        [null, null],
      ]);
    });

    it('shows a new adverse event at once, and the signature it invalidated', async () => {
      const subject = await subjectWithVisits();
      await sign(subject);
      let created = '';
      const { before, after } = await aroundWrite(subject, async () => {
        created = (await atS01.post(`/edc/patients/${subject}/adverse-events`).send({ ...HEADACHE, term: 'Nausea', body_system: 'Gastrointestinal disorders' }).expect(201)).body.id;
      });
      expect(before.adverse_events).toEqual([]);
      expect(after.adverse_events.map((event) => [event.id, event.term])).toEqual([[created, 'Nausea']]);
      expect(after.signatures).toEqual([
        expect.objectContaining({ valid: false, invalidated_at: expect.any(String), invalidated_by: expect.objectContaining({ entity_type: 'adverse_event' }) }),
      ]);
    });

    it('shows a corrected adverse event at once, and leaves it out once entered in error', async () => {
      const subject = await subjectWithVisits();
      const id = (await atS01.post(`/edc/patients/${subject}/adverse-events`).send(HEADACHE).expect(201)).body.id as string;
      const corrected = await aroundWrite(subject, () =>
        platform.admin.patch(`/edc/adverse-events/${id}`).send({ onset_date: '2026-03-11', severity_grade: 2, reason: 'grade misread' }).expect(200),
      );
      expect(corrected.before.adverse_events).toEqual([expect.objectContaining({ id, severity_grade: 1, onset_study_day: 10 })]);
      expect(corrected.after.adverse_events).toEqual([expect.objectContaining({ id, severity_grade: 2, onset_study_day: 11, corrected_at: expect.any(String) })]);

      const removed = await aroundWrite(subject, () =>
        platform.admin.post(`/edc/adverse-events/${id}/entered-in-error`).send({ reason: 'belongs to another subject' }).expect(200),
      );
      expect(removed.after.adverse_events).toEqual([]);
    });

    it('shows a lock at once, and its unlocking', async () => {
      const subject = await subjectWithVisits();
      const locked = await aroundWrite(subject, () => platform.admin.post(`/edc/patients/${subject}/lock`).send({ visit_name: 'Week 4', reason: 'reviewed' }).expect(201));
      expect(locked.before.locks).toEqual([]);
      expect(locked.after.locks).toEqual([expect.objectContaining({ visit_name: 'Week 4', open: true, locked_by_username: 'admin', reason: 'reviewed' })]);

      const unlocked = await aroundWrite(subject, () => platform.admin.post(`/edc/patients/${subject}/unlock`).send({ visit_name: 'Week 4', reason: 'site query' }).expect(200));
      expect(unlocked.after.locks).toEqual([
        expect.objectContaining({ visit_name: 'Week 4', open: false, unlocked_at: expect.any(String), unlocked_by_username: 'admin', unlock_reason: 'site query' }),
      ]);
    });

    it('shows a signature at once', async () => {
      const subject = await subjectWithVisits();
      const { before, after } = await aroundWrite(subject, () => sign(subject));
      expect(before.signatures).toEqual([]);
      expect(after.signatures).toEqual([
        expect.objectContaining({ signer_id: s01InvestigatorId, signer_full_name: 'Dr Casebook', meaning: 'I approve the data as complete and accurate', valid: true }),
      ]);
    });

    it('shows a status change at once', async () => {
      const subject = await subjectWithVisits();
      // Not before the enrolment, which store-vitals dated today.
      const { enrollment_date: enrolled } = (await platform.admin.get(`/edc/patients/${subject}`).expect(200)).body as { enrollment_date: string };
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin.post(`/edc/patients/${subject}/status`).send({ status: 'withdrawn', date: enrolled, reason: 'moved abroad' }).expect(200),
      );
      expect(before.status).toBe('enrolled');
      expect(after).toMatchObject({ status: 'withdrawn', status_date: enrolled, status_reason: 'moved abroad' });
    });

    it('shows a randomization at once: the arm, and day 1 from the randomization until the baseline visit has a date', async () => {
      const enrolled = await platform.admin
        .post('/edc/studies/DEFAULT/subjects')
        .send({ site_id: 'S01', consent_date: '2026-02-01', demographics: { sex: 'F', age: 54 }, enrol: true })
        .expect(201);
      const subject = enrolled.body.subject_id as string;
      const { before, after } = await aroundWrite(subject, () => platform.admin.post(`/edc/patients/${subject}/randomize`).expect(200));
      expect(before).toMatchObject({ arm: null, treatment_arm: null, randomized_by_platform: false, study_day_1: null, consent_date: '2026-02-01' });
      expect(before.demographics).toMatchObject({ sex: 'F' });
      expect(after).toMatchObject({ status: 'randomized', randomized_by_platform: true, randomized_at: expect.any(String) });
      expect(['Active', 'Placebo']).toContain((after.arm as { arm_code: string }).arm_code);
      expect(after.study_day_1).toEqual({ date: (after.randomized_at as string).slice(0, 10), from: 'randomization' });

      const baseline = await aroundWrite(subject, () =>
        atS01
          .post(`/edc/patients/${subject}/vitals`)
          .send({ visit_name: 'Day 1', visit_date: '2026-03-01', systolic_bp: 120, diastolic_bp: 80, heart_rate: 70, temperature: 36.6 })
          .expect(201),
      );
      expect(baseline.after.study_day_1).toEqual({ date: '2026-03-01', from: 'baseline_visit' });
    });

    it("shows a change to the study's schedule at once", async () => {
      const protocol = `CB-${randomBytes(3).toString('hex').toUpperCase()}`;
      await platform.admin
        .post('/edc/studies')
        .send({
          protocol_id: protocol,
          title: 'Casebook schedule study',
          status: 'enrolling',
          baseline_visit: 'Day 1',
          allow_new_sites: true,
          arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }],
          schedule: [
            { visit_name: 'Day 1', planned_day: 1 },
            { visit_name: 'Week 2', planned_day: 14, window_before: 1, window_after: 1 },
          ],
        })
        .expect(201);
      const subject = newSubjectId('CB');
      await store([
        vitalRecord({ SubjectID: subject, SiteID: 'S01', ProtocolID: protocol, VisitName: 'Day 1', VisitDate: '2026-03-01' }),
        vitalRecord({ SubjectID: subject, SiteID: 'S01', ProtocolID: protocol, VisitName: 'Week 2', VisitDate: '2026-03-17' }), // day 17
      ]);
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin
          .put(`/edc/studies/${protocol}/schedule`)
          .send({
            schedule: [
              { visit_name: 'Day 1', planned_day: 1 },
              { visit_name: 'Week 2', planned_day: 14, window_before: 3, window_after: 3 },
              { visit_name: 'Week 6', planned_day: 42, window_before: 3, window_after: 3 },
            ],
            reason: 'wider windows (protocol amendment 2)',
          })
          .expect(200),
      );
      expect(visit(before, 'Week 2')).toMatchObject({ window: { from_day: 13, to_day: 15 }, vitals: [{ study_day: 17, within_window: false }] });
      expect(visit(after, 'Week 2')).toMatchObject({ window: { from_day: 11, to_day: 17 }, vitals: [{ study_day: 17, within_window: true }] });
      expect(visit(after, 'Week 6')).toMatchObject({ missing: true });
    });
  });

  describe("never stale after its study is created or a site added", () => {
    /** A subject of a protocol that has no study yet (as data from before studies were set up). */
    async function subjectWithoutStudy(): Promise<{ subject: string; protocol: string }> {
      const protocol = `CBN-${randomBytes(3).toString('hex').toUpperCase()}`;
      const subject = newSubjectId('CBN');
      await platform.database!.admin(`INSERT INTO patients (protocol_id, subject_number, site_id) VALUES ($1, $2, 'S01')`, [protocol, subject]);
      return { subject, protocol };
    }

    it('shows a study created for its protocol at once: title and site name', async () => {
      const { subject, protocol } = await subjectWithoutStudy();
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin
          .post('/edc/studies')
          .send({ protocol_id: protocol, title: 'Created after its subject', sites: [{ site_id: 'S01', name: 'Oslo' }] })
          .expect(201),
      );
      expect(before).toMatchObject({ study: { title: null }, site: { site_id: 'S01', name: null } });
      expect(after).toMatchObject({ study: { protocol_id: protocol, title: 'Created after its subject', status: 'set_up' }, site: { site_id: 'S01', name: 'Oslo' } });
    });

    it('shows a study that store-vitals created for its protocol at once', async () => {
      const { subject, protocol } = await subjectWithoutStudy();
      const { before, after } = await aroundWrite(subject, () =>
        store([vitalRecord({ SubjectID: newSubjectId('CBN'), SiteID: 'S01', ProtocolID: protocol, VisitName: 'Day 1', VisitDate: '2026-03-01' })]),
      );
      expect(before.study).toMatchObject({ title: null, status: null });
      expect(after.study).toMatchObject({ title: `Study ${protocol}`, status: 'enrolling' });
    });

    it('shows a site added to the study with its name at once', async () => {
      const protocol = `CBS-${randomBytes(3).toString('hex').toUpperCase()}`;
      await platform.admin.post('/edc/studies').send({ protocol_id: protocol, title: 'Sites added later', status: 'enrolling', allow_new_sites: true }).expect(201);
      const subject = newSubjectId('CBS');
      await platform.database!.admin(`INSERT INTO patients (protocol_id, subject_number, site_id) VALUES ($1, $2, 'S01')`, [protocol, subject]);
      const { before, after } = await aroundWrite(subject, () =>
        platform.admin.post(`/edc/studies/${protocol}/sites`).send({ site_id: 'S01', name: 'Oslo University Hospital' }).expect(201),
      );
      expect(before.site).toEqual({ site_id: 'S01', name: null });
      expect(after.site).toEqual({ site_id: 'S01', name: 'Oslo University Hospital' });
    });
  });

  describe('which subject', () => {
    it('answers 409 for a number used in several protocols until ?protocolId= names one, and a site-limited user their own', async () => {
      const subject = newSubjectId('CB');
      await store([
        vitalRecord({ SubjectID: subject, SiteID: 'S01', ProtocolID: 'P-CB-ONE', VisitDate: '2026-03-01' }),
        vitalRecord({ SubjectID: subject, SiteID: 'S02', ProtocolID: 'P-CB-TWO', TreatmentArm: 'Placebo' }),
      ]);
      const conflict = await platform.admin.get(`/edc/patients/${subject}/casebook`).expect(409);
      expect(conflict.body.message).toMatch(/protocolId/);
      const one = await platform.admin.get(`/edc/patients/${subject}/casebook`).query({ protocolId: 'P-CB-TWO' }).expect(200);
      expect(one.body).toMatchObject({ protocol_id: 'P-CB-TWO', site_id: 'S02', treatment_arm: 'Placebo' });
      // An open study without a schedule: every visit is unscheduled.
      expect(one.body.visits).toEqual([expect.objectContaining({ visit_name: 'Screening', scheduled: false, missing: false })]);
      expect((await casebookOf(atS01, subject)).protocol_id).toBe('P-CB-ONE');
      expect((await casebookOf(atS02, subject)).protocol_id).toBe('P-CB-TWO');
      await atS01.get(`/edc/patients/${subject}/casebook`).query({ protocolId: 'P-CB-TWO' }).expect(404);
    });

    it('refuses an unknown query parameter or a malformed protocol with 400', async () => {
      const subject = await subjectWithVisits();
      const unknown = await atS01.get(`/edc/patients/${subject}/casebook`).query({ include: 'queries' }).expect(400);
      expect(JSON.stringify(unknown.body)).toMatch(/include/);
      await atS01.get(`/edc/patients/${subject}/casebook`).query({ protocolId: 'no spaces allowed' }).expect(400);
    });

    it('answers 404 for a subject that does not exist', async () => {
      await platform.admin.get(`/edc/patients/${newSubjectId('NONE')}/casebook`).expect(404);
    });
  });
});
