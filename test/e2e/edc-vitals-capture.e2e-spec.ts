import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Vitals capture beyond the batch route: one record of a known subject
 * (`POST /edc/patients/:subjectId/vitals`), and the synthetic-data helpers `POST /edc/validate`
 * and `POST /edc/repair`, which store nothing.
 */

const ONE = { visit_name: 'Screening', visit_date: '2026-03-01', measurement_time: '2026-03-01T09:30:00Z', systolic_bp: 125, diastolic_bp: 80, heart_rate: 72, temperature: 36.8, respiratory_rate: 16 };

describe.each(['all-in-one', 'split'] as const)('vitals capture (%s)', (mode) => {
  let platform: PlatformUnderTest;
  let atS01: Client;
  let atS02: Client;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    atS01 = (await createUser(platform.baseUrl, platform.admin, { username: `cap-s01-${mode}`, roles: ['investigator'], site_ids: ['S01'] })).client;
    atS02 = (await createUser(platform.baseUrl, platform.admin, { username: `cap-s02-${mode}`, roles: ['investigator'], site_ids: ['S02'] })).client;
  });
  afterAll(() => platform?.close());

  /** A subject of the default study at a site, created the design's way (store-vitals, with an arm). */
  const subjectAt = async (site: string, arm = 'Active'): Promise<string> => {
    const subject = newSubjectId('CAP');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: site, TreatmentArm: arm, VisitName: 'Day 1' })] }).expect(201);
    return subject;
  };
  const vitalsOf = async (subject: string) => (await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals as Array<Record<string, unknown>>;

  describe('one record: POST /edc/patients/:subjectId/vitals', () => {
    it("stores one record with the subject's protocol, site and arm, read back at once", async () => {
      const subject = await subjectAt('S01', 'Placebo');
      expect(await vitalsOf(subject)).toHaveLength(1); // the read is cached now: the store must not leave it stale
      const response = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(201);
      expect(response.body).toEqual({
        patient_id: expect.any(String),
        subject_id: subject,
        protocol_id: 'DEFAULT',
        site_id: 'S01',
        treatment_arm: 'Placebo',
        already_stored: false,
        entered_in_error: false,
        vital: expect.objectContaining({ id: expect.any(String), visit_name: 'Screening', visit_date: '2026-03-01', measurement_time: '2026-03-01T09:30:00.000Z', systolic_bp: 125, respiratory_rate: 16 }),
      });
      expect((await vitalsOf(subject)).map((vital) => vital.id)).toContain(response.body.vital.id);

      const audit = await platform.admin.get('/security/audit/events').query({ entityType: 'vital_sign', entityId: response.body.vital.id }).expect(200);
      expect(audit.body.data).toEqual([
        expect.objectContaining({ action: 'create', username: `cap-s01-${mode}`, subject, changes: expect.objectContaining({ systolic_bp: { old: null, new: 125 } }) }),
      ]);
    });

    it('stores a retry with the same values once, and refuses one with other values (409), storing nothing', async () => {
      const subject = await subjectAt('S01');
      const first = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(201);
      const retry = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(201);
      expect(retry.body).toMatchObject({ already_stored: true, vital: { id: first.body.vital.id } });
      const changed = await atS01.post(`/edc/patients/${subject}/vitals`).send({ ...ONE, systolic_bp: 140 }).expect(409);
      expect(changed.body.message).toMatch(/would change stored vitals; nothing was stored/);
      const stored = await vitalsOf(subject);
      expect(stored.filter((vital) => vital.visit_name === 'Screening')).toEqual([expect.objectContaining({ systolic_bp: 125 })]);
    });

    it('does not store again values that were entered in error; other values at the same time are stored as new', async () => {
      const subject = await subjectAt('S01');
      const first = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(201);
      await platform.admin.post(`/edc/vitals/${first.body.vital.id}/entered-in-error`).send({ reason: 'recorded for the wrong subject' }).expect(200);
      const resent = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(201);
      expect(resent.body).toMatchObject({ already_stored: true, entered_in_error: true, vital: { id: first.body.vital.id } });
      expect((await vitalsOf(subject)).filter((vital) => vital.visit_name === 'Screening')).toEqual([]);
      const corrected = await atS01.post(`/edc/patients/${subject}/vitals`).send({ ...ONE, systolic_bp: 131 }).expect(201);
      expect(corrected.body).toMatchObject({ already_stored: false, entered_in_error: false, vital: { systolic_bp: 131 } });
      expect((await vitalsOf(subject)).filter((vital) => vital.visit_name === 'Screening')).toEqual([expect.objectContaining({ systolic_bp: 131 })]);
    });

    it('gives vitals to an enrolled subject that has no arm yet (Screening before randomization)', async () => {
      const enrolled = await platform.admin.post('/edc/studies/DEFAULT/subjects').send({ site_id: 'S01', consent_date: '2026-01-05', demographics: { sex: 'F', age: 50 }, enrol: true });
      expect(enrolled.status).toBe(201);
      const subject = enrolled.body.subject_id as string;
      const response = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(201);
      expect(response.body).toMatchObject({ subject_id: subject, treatment_arm: null, site_id: 'S01', already_stored: false });
      expect(await vitalsOf(subject)).toEqual([expect.objectContaining({ visit_name: 'Screening', systolic_bp: 125 })]);
      // store-vitals still refuses to give such a subject an arm, and points here.
      const batch = await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Day 1' })] }).expect(409);
      expect(batch.body.details[0].problems[0]).toMatch(/not randomized yet.*POST \/edc\/patients\/.*\/vitals/);
    });

    it.each([
      ['a missing field', { ...ONE, heart_rate: undefined }, 'heart_rate'],
      ['a value out of range', { ...ONE, systolic_bp: 301 }, 'systolic_bp'],
      ['a diastolic not below the systolic', { ...ONE, diastolic_bp: 125 }, 'diastolic_bp'],
      ['a wrong type', { ...ONE, temperature: 'warm' }, 'temperature'],
      ['a future date', { ...ONE, visit_date: '2999-01-01' }, 'visit_date'],
      ['a time without a zone', { ...ONE, measurement_time: '2026-03-01T09:30:00' }, 'measurement_time'],
      ['an unknown field', { ...ONE, SystolicBP: 120 }, 'SystolicBP'],
      ['a field that is the subject’s, not the record’s', { ...ONE, treatment_arm: 'Active' }, 'treatment_arm'],
    ])('refuses %s with 400 naming the field, storing nothing', async (_case, body, field) => {
      const subject = await subjectAt('S01');
      const response = await atS01.post(`/edc/patients/${subject}/vitals`).send(body).expect(400);
      expect(response.body.details.map((detail: { field: string }) => detail.field)).toEqual([field]);
      expect(await vitalsOf(subject)).toHaveLength(1);
    });

    it("answers 404 for another site's subject exactly as for a missing one, and stores nothing", async () => {
      const subject = await subjectAt('S01');
      const theirs = await atS02.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(404);
      const missing = await atS02.post(`/edc/patients/${newSubjectId('CAP')}/vitals`).send(ONE).expect(404);
      expect(theirs.body.message.replace(subject, 'X')).toBe(missing.body.message.replace(/CAP-\w+/, 'X'));
      expect(await vitalsOf(subject)).toHaveLength(1);
    });

    it('needs ?protocolId= when the number exists in several protocols', async () => {
      const subject = newSubjectId('CAP');
      for (const protocol of ['DEFAULT', `P-${mode}`]) {
        await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, ProtocolID: protocol, SiteID: 'S01' })] }).expect(201);
      }
      await platform.admin.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(409);
      const response = await platform.admin.post(`/edc/patients/${subject}/vitals?protocolId=P-${mode}`).send(ONE).expect(201);
      expect(response.body.protocol_id).toBe(`P-${mode}`);
    });

    it('refuses a record for a locked subject with 409 naming who locked it', async () => {
      const subject = await subjectAt('S01');
      await platform.admin.post(`/edc/patients/${subject}/lock`).send({ reason: 'review done' }).expect(201);
      const response = await atS01.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(409);
      expect(response.body.message).toMatch(/locked by admin/);
      expect(await vitalsOf(subject)).toHaveLength(1);
    });

    it('is refused to a monitor (403), storing nothing', async () => {
      const subject = await subjectAt('S01');
      const monitor = (await createUser(platform.baseUrl, platform.admin, { username: `cap-monitor-${mode}`, roles: ['monitor'] })).client;
      await monitor.post(`/edc/patients/${subject}/vitals`).send(ONE).expect(403);
      expect(await vitalsOf(subject)).toHaveLength(1);
    });
  });

  describe('POST /edc/store-vitals after a record was entered in error', () => {
    it('counts a re-sent batch with the withdrawn values as already stored, and stores other values as new', async () => {
      const subject = newSubjectId('CAP');
      const wrong = vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Day 1', MeasurementTime: '2026-03-02T08:00:00Z', SystolicBP: 150 });
      const other = vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Week 4', MeasurementTime: '2026-03-30T08:00:00Z' });
      await platform.admin.post('/edc/store-vitals').send({ records: [wrong, other] }).expect(201);
      const wrongId = (await vitalsOf(subject)).find((vital) => vital.visit_name === 'Day 1')?.id as string;
      await platform.admin.post(`/edc/vitals/${wrongId}/entered-in-error`).send({ reason: 'recorded for the wrong subject' }).expect(200);

      const resent = await platform.admin.post('/edc/store-vitals').send({ records: [wrong, other] }).expect(201);
      expect(resent.body).toMatchObject({ records_stored: 0, records_already_stored: 2, patients_created: 0 });
      expect((await vitalsOf(subject)).map((vital) => vital.visit_name)).toEqual(['Week 4']);

      const corrected = await platform.admin.post('/edc/store-vitals').send({ records: [{ ...wrong, SystolicBP: 125 }, other] }).expect(201);
      expect(corrected.body).toMatchObject({ records_stored: 1, records_already_stored: 1 });
      expect(await vitalsOf(subject)).toEqual([expect.objectContaining({ visit_name: 'Day 1', systolic_bp: 125 }), expect.objectContaining({ visit_name: 'Week 4' })]);
      const count = await platform.database!.admin(
        `SELECT count(*)::int AS n FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number = $1 AND v.visit_name = 'Day 1'`,
        [subject],
      );
      expect(count.rows[0].n).toBe(2); // the one entered in error, and the correct one
    });
  });

  describe("a site the study does not have, sent by a site-limited user", () => {
    it("is refused naming only the user's own sites as the allowed ones (store-vitals and validate)", async () => {
      const protocol = `SITES-${newSubjectId('P').slice(2).toUpperCase()}`;
      await platform.admin
        .post('/edc/studies')
        .send({ protocol_id: protocol, title: 'Fixed sites', status: 'enrolling', allow_new_sites: false, sites: [{ site_id: 'S01' }, { site_id: 'S03' }, { site_id: 'S05' }], arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }] })
        .expect(201);
      const limited = (await createUser(platform.baseUrl, platform.admin, { username: `cap-s05-${mode}`, roles: ['investigator'], site_ids: ['S05', 'S08'] })).client;
      const record = vitalRecord({ SubjectID: newSubjectId('CAP'), SiteID: 'S08', ProtocolID: protocol });
      const stored = await limited.post('/edc/store-vitals').send({ records: [record] }).expect(400);
      expect(JSON.stringify(stored.body)).toContain('(allowed: S05)');
      expect(JSON.stringify(stored.body)).not.toMatch(/S01|S03/);
      const validated = await limited.post('/edc/validate').send({ records: [record] }).expect(200);
      expect(JSON.stringify(validated.body)).toContain('(allowed: S05)');
      expect(JSON.stringify(validated.body)).not.toMatch(/S01|S03/);
      await platform.admin.get(`/edc/patients/${record.SubjectID}`).expect(404);
    });
  });

  describe('POST /edc/validate', () => {
    it('reports which records pass the capture and study rules and why the others fail, storing nothing', async () => {
      const [good, bad] = [newSubjectId('VAL'), newSubjectId('VAL')];
      const response = await atS01
        .post('/edc/validate')
        .send({
          records: [
            vitalRecord({ SubjectID: good, SiteID: 'S01' }),
            vitalRecord({ SubjectID: bad, SiteID: 'S01', SystolicBP: 301, Weight: 80 }),
            'not a record',
            vitalRecord({ SubjectID: bad, SiteID: 'S02', VisitName: 'Day 1' }),
          ],
        })
        .expect(200);
      expect(response.body).toEqual({
        total: 4,
        passed: 1,
        failed: 3,
        results: [
          // The study's edit checks too: the default study's subject id format (VS009) is a soft check.
          { index: 0, valid: true, problems: [], findings: [expect.objectContaining({ rule_id: 'VS009', hard: false, field: 'SubjectID', value: good })] },
          { index: 1, valid: false, problems: expect.arrayContaining([{ field: 'SystolicBP', problems: ['must not be greater than 300'] }, { field: 'Weight', problems: [expect.stringMatching(/should not exist/)] }]), findings: [] },
          { index: 2, valid: false, problems: [{ field: 'record', problems: [expect.stringMatching(/must be an object/)] }], findings: [] },
          { index: 3, valid: false, problems: [{ field: 'SiteID', problems: ['is not one of your sites (S01)'] }], findings: [expect.objectContaining({ rule_id: 'VS009', hard: false })] },
        ],
      });
      await platform.admin.get(`/edc/patients/${good}`).expect(404);
    });

    it("applies the study's rules (a visit and an arm the study does not have)", async () => {
      const protocol = `FIXED-${mode}`;
      const created = await platform.admin.post('/edc/studies').send({ protocol_id: protocol, title: 'Fixed visits', schedule: [{ visit_name: 'Baseline', planned_day: 1 }] });
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
      const response = await platform.admin.post('/edc/validate').send({ records: [vitalRecord({ SubjectID: newSubjectId('VAL'), ProtocolID: protocol, VisitName: 'Week 99' })] }).expect(200);
      expect(response.body.results[0]).toEqual({
        index: 0,
        valid: false,
        problems: [
          { field: 'VisitName', problems: [`"Week 99" is not a visit of study ${protocol} (allowed: Baseline)`] },
          { field: 'TreatmentArm', problems: [`"Active" is not an arm of study ${protocol} (allowed: none set up yet)`] },
        ],
        findings: [expect.objectContaining({ rule_id: 'VS007', field: 'VisitName', value: 'Week 99', hard: false })],
      });
    });

    it('answers 400 only for a malformed envelope', async () => {
      await platform.admin.post('/edc/validate').send({ records: 'x' }).expect(400);
      await platform.admin.post('/edc/validate').send({ records: [] }).expect(400);
      await platform.admin.post('/edc/validate').send({ records: [{}], extra: 1 }).expect(400);
      const empty = await platform.admin.post('/edc/validate').send({ records: [{}] }).expect(200);
      expect(empty.body).toMatchObject({ total: 1, passed: 0, failed: 1 });
    });
  });

  describe('POST /edc/repair (synthetic data only)', () => {
    it('clips values into plausible ranges, lists every change, says it is for synthetic data only, and stores nothing', async () => {
      const subject = newSubjectId('REP');
      const response = await platform.admin
        .post('/edc/repair')
        .send({ records: [vitalRecord({ SubjectID: subject }), vitalRecord({ SubjectID: subject, VisitName: 'Day 1', SystolicBP: 250, DiastolicBP: 20, HeartRate: 180, Temperature: 42.3, RespiratoryRate: 2 })] })
        .expect(200);
      expect(response.body).toMatchObject({
        synthetic_data_only: true,
        note: expect.stringMatching(/^Synthetic data only/),
        records_received: 2,
        records_changed: 1,
        changes: [
          { index: 1, field: 'SystolicBP', old: 250, new: 200 },
          { index: 1, field: 'DiastolicBP', old: 20, new: 55 },
          { index: 1, field: 'HeartRate', old: 180, new: 120 },
          { index: 1, field: 'Temperature', old: 42.3, new: 40 },
          { index: 1, field: 'RespiratoryRate', old: 2, new: 8 },
        ],
      });
      expect(response.body.records[0]).toEqual(vitalRecord({ SubjectID: subject }));
      expect(response.body.records[1]).toMatchObject({ SystolicBP: 200, DiastolicBP: 55, HeartRate: 120, Temperature: 40, RespiratoryRate: 8 });
      // What repair gives passes validation.
      const checked = await platform.admin.post('/edc/validate').send({ records: response.body.records }).expect(200);
      expect(checked.body).toMatchObject({ passed: 2, failed: 0 });
      await platform.admin.get(`/edc/patients/${subject}`).expect(404);
    });

    it('is labelled synthetic-only in the API documentation', async () => {
      const docs = await platform.admin.get('/docs-json').expect(200);
      expect(docs.body.paths['/edc/repair'].post.summary).toMatch(/^SYNTHETIC DATA ONLY/);
    });

    it('refuses a malformed envelope (400)', async () => {
      await platform.admin.post('/edc/repair').send({ records: ['x'] }).expect(400);
    });
  });
});
