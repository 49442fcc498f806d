import { randomBytes } from 'node:crypto';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord, type VitalRecordBody } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';

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

const HEADACHE = {
  term: 'Headache',
  body_system: 'Nervous system disorders',
  onset_date: '2026-03-10',
  end_date: '2026-03-12',
  severity_grade: 1,
  serious: false,
  relationship: 'possibly_related',
  outcome: 'recovered',
  action_taken: 'none',
};

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

  const casebookOf = async (client: Client, subject: string): Promise<Casebook> =>
    (await client.get(`/edc/patients/${subject}/casebook`).expect(200)).body as Casebook;
  const visit = (casebook: Casebook, name: string): CasebookVisit => {
    const found = casebook.visits.find((each) => each.visit_name === name);
    if (!found) throw new Error(`no visit ${name} in ${JSON.stringify(casebook.visits.map((each) => each.visit_name))}`);
    return found;
  };
  const store = (records: VitalRecordBody[]) => platform.admin.post('/edc/store-vitals').send({ records }).expect(201);
  const patientIdOf = async (subject: string): Promise<string> => (await platform.admin.get(`/edc/patients/${subject}`).expect(200)).body.id as string;

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
      // Locks and signatures as their routes would record them: a lock placed and lifted, one open on Screening.
      const db = platform.database!;
      await db.admin(
        `INSERT INTO edc_locks (patient_id, visit_name, locked_at, locked_by_username, reason, unlocked_at, unlocked_by_username, unlock_reason)
         VALUES ($1, NULL, '2026-04-10T10:00:00Z', 'dm.seed', 'first review', '2026-04-11T10:00:00Z', 'dm.seed', 'query answered'),
                ($1, 'Screening', '2026-04-12T10:00:00Z', 'dm.seed', 'screening reviewed', NULL, NULL, NULL)`,
        [patientId],
      );
      await db.admin(
        `INSERT INTO edc_signatures (patient_id, signer_id, signer_username, signer_full_name, meaning, signed_at)
         VALUES ($1, $2, 'casebook.s01', 'Dr Casebook', 'I approve the data as complete and accurate', '2026-04-13T10:00:00Z')`,
        [patientId, s01InvestigatorId],
      );
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
        expect.objectContaining({ visit_name: null, open: false, locked_by_username: 'dm.seed', reason: 'first review', unlocked_by_username: 'dm.seed', unlock_reason: 'query answered' }),
        expect.objectContaining({ visit_name: 'Screening', open: true, locked_by_username: 'dm.seed', unlocked_at: null, unlocked_by_username: null }),
      ]);
      expect(casebook.signatures).toEqual([
        {
          id: expect.any(String),
          signer_id: s01InvestigatorId,
          signer_username: 'casebook.s01',
          signer_full_name: 'Dr Casebook',
          meaning: 'I approve the data as complete and accurate',
          signed_at: '2026-04-13T10:00:00.000Z',
          valid: true,
          invalidated_at: null,
          invalidated_by: null,
        },
      ]);
      expect(casebook).not.toHaveProperty('data_queries');
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

    it('shows a new adverse event at once, and the signature it invalidated', async () => {
      const subject = await subjectWithVisits();
      const patientId = await patientIdOf(subject);
      await platform.database!.admin(
        `INSERT INTO edc_signatures (patient_id, signer_id, signer_username, signer_full_name, meaning)
         VALUES ($1, $2, 'casebook.s01', 'Dr Casebook', 'I approve the data as complete and accurate')`,
        [patientId, s01InvestigatorId],
      );
      expect((await casebookOf(atS01, subject)).signatures).toEqual([expect.objectContaining({ valid: true })]);
      await casebookOf(atS01, subject);

      const created = await atS01.post(`/edc/patients/${subject}/adverse-events`).send({ ...HEADACHE, term: 'Nausea', body_system: 'Gastrointestinal disorders' }).expect(201);
      const after = await casebookOf(atS01, subject);
      expect(after.adverse_events.map((event) => [event.id, event.term])).toEqual([[created.body.id, 'Nausea']]);
      expect(after.signatures).toEqual([
        expect.objectContaining({ valid: false, invalidated_at: expect.any(String), invalidated_by: expect.objectContaining({ entity_type: 'adverse_event' }) }),
      ]);
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
