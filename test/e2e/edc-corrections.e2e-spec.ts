import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { eventually } from '../support/wait.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';

interface Version {
  version: number;
  action: string;
  at: string;
  by: { user_id: string | null; username: string | null; role: string | null } | null;
  reason: string | null;
  changes: Array<{ field: string; old: unknown; new: unknown }>;
  values: Record<string, unknown>;
}

describe.each(['all-in-one', 'split'] as const)('corrections of vital signs and adverse events (%s)', (mode) => {
  let platform: PlatformUnderTest;
  /** An investigator of site S01, where the test subjects are. */
  let investigator: Client;
  let investigatorName: string;
  /** An investigator of site S02 only. */
  let otherSite: Client;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    investigatorName = `inv-${mode}`;
    investigator = (await createUser(platform.baseUrl, platform.admin, { username: investigatorName, roles: ['investigator'], site_ids: ['S01'] })).client;
    otherSite = (await createUser(platform.baseUrl, platform.admin, { username: `other-${mode}`, roles: ['investigator'], site_ids: ['S02'] })).client;
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** Stores one vital sign of a subject at S01 (as the admin) and answers its id. */
  async function storeVital(overrides: Record<string, unknown> = {}): Promise<{ id: string; subject: string }> {
    const record = vitalRecord({ SubjectID: newSubjectId('COR'), SiteID: 'S01', VisitName: 'Week 4', MeasurementTime: '2026-03-01T09:30:00Z', ...overrides });
    await platform.admin.post('/edc/store-vitals').send({ records: [record] }).expect(201);
    const vitals = await platform.admin.get(`/edc/patients/${record.SubjectID}/vitals`).expect(200);
    const stored = (vitals.body.vitals as Array<{ id: string; measurement_time: string }>).find(
      (vital) => vital.measurement_time === new Date(record.MeasurementTime as string).toISOString(),
    );
    return { id: stored!.id, subject: record.SubjectID };
  }

  const history = async (id: string): Promise<{ versions: Version[]; vital: Record<string, unknown>; entered_in_error: boolean }> =>
    (await platform.admin.get(`/edc/vitals/${id}/history`).expect(200)).body;

  const auditEvents = async (id: string, entityType = 'vital_sign'): Promise<Array<Record<string, unknown>>> =>
    (await platform.admin.get(`/security/audit/events?entityType=${entityType}&entityId=${id}`).expect(200)).body.data;

  it('corrects a value with a reason: the answer, the next read and the history show it, and the audit trail says who and why', async () => {
    const { id, subject } = await storeVital();
    // Read once, so the subject's vitals are cached before the correction.
    expect((await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals[0].systolic_bp).toBe(125);

    const corrected = await investigator.patch(`/edc/vitals/${id}`).send({ systolic_bp: 128, reason: 'transcription error' }).expect(200);
    expect(corrected.body.vital).toMatchObject({ id, systolic_bp: 128, diastolic_bp: 80 });
    expect(corrected.body.vital.corrected_at).toEqual(expect.any(String));
    expect(corrected.body.versions).toHaveLength(2);

    const read = await investigator.get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(read.body.vitals).toEqual([expect.objectContaining({ id, systolic_bp: 128, corrected_at: corrected.body.vital.corrected_at })]);

    await investigator.patch(`/edc/vitals/${id}`).send({ temperature: 37.1, heart_rate: 75, reason: 'second look at the source' }).expect(200);
    expect((await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals[0]).toMatchObject({ temperature: 37.1, heart_rate: 75 });

    const { versions } = await history(id);
    expect(versions.map((v) => [v.version, v.action, v.by?.username, v.reason])).toEqual([
      [1, 'create', 'admin', null],
      [2, 'correct', investigatorName, 'transcription error'],
      [3, 'correct', investigatorName, 'second look at the source'],
    ]);
    expect(versions[0].values).toMatchObject({ systolic_bp: 125, temperature: 36.8, heart_rate: 72, measurement_time: '2026-03-01T09:30:00.000Z' });
    expect(versions[1].changes).toEqual([{ field: 'systolic_bp', old: 125, new: 128 }]);
    expect(versions[1].values).toMatchObject({ systolic_bp: 128, temperature: 36.8 });
    expect(versions[2].changes).toEqual([
      { field: 'heart_rate', old: 72, new: 75 },
      { field: 'temperature', old: 36.8, new: 37.1 },
    ]);
    expect(versions[2].by).toEqual({ user_id: expect.any(String), username: investigatorName, role: 'investigator' });
    for (const version of versions) expect(Date.parse(version.at)).not.toBeNaN();

    const events = await auditEvents(id);
    const corrections = events.filter((event) => event.action === 'correct');
    expect(corrections).toHaveLength(2);
    expect(corrections).toContainEqual(
      expect.objectContaining({ username: investigatorName, reason: 'transcription error', changes: expect.objectContaining({ systolic_bp: { old: 125, new: 128 } }) }),
    );
  });

  it('applies concurrent corrections of one record one after the other, losing neither', async () => {
    const { id, subject } = await storeVital();
    const [first, second] = await Promise.all([
      investigator.patch(`/edc/vitals/${id}`).send({ systolic_bp: 130, reason: 'first reviewer' }),
      platform.admin.patch(`/edc/vitals/${id}`).send({ heart_rate: 66, reason: 'second reviewer' }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals[0]).toMatchObject({ systolic_bp: 130, heart_rate: 66 });
    const { versions } = await history(id);
    expect(versions.map((v) => v.reason).sort()).toEqual(['first reviewer', 'second reviewer', null].sort());
    expect(versions[2].values).toMatchObject({ systolic_bp: 130, heart_rate: 66 });
  });

  it("invalidates the subject's signature, naming the correction and its reason, and audits the read of a history", async () => {
    const { id, subject } = await storeVital();
    const patient = (await platform.database!.admin('SELECT id FROM patients WHERE subject_number = $1', [subject])).rows[0].id as string;
    await platform.database!.admin(
      `INSERT INTO edc_signatures (patient_id, signer_id, signer_username, signer_full_name, meaning)
       VALUES ($1, gen_random_uuid(), 'pi', 'Dr Principal Investigator', 'I approve the data as complete and accurate')`,
      [patient],
    );
    await investigator.patch(`/edc/vitals/${id}`).send({ heart_rate: 80, reason: 'pulse recounted' }).expect(200);
    const signature = await platform.database!.admin('SELECT invalidated_at, invalidated_by FROM edc_signatures WHERE patient_id = $1', [patient]);
    expect(signature.rows[0].invalidated_at).not.toBeNull();
    expect(signature.rows[0].invalidated_by).toMatchObject({ entity_type: 'vital_sign', action: 'correct', reason: 'pulse recounted', username: investigatorName, entity_ids: [id] });

    await investigator.get(`/edc/vitals/${id}/history`).expect(200);
    await eventually(async () => {
      const reads = await platform.admin.get(`/security/audit/events?action=read&username=${investigatorName}&subject=${subject}`).expect(200);
      return reads.body.data.length > 0 ? true : undefined;
    });
  });

  it('refuses a correction without a valid reason, with bad values or unknown fields, changing nothing', async () => {
    const { id, subject } = await storeVital();
    const refused = async (body: Record<string, unknown>, field: string) => {
      const response = await investigator.patch(`/edc/vitals/${id}`).send(body).expect(400);
      expect(JSON.stringify(response.body)).toContain(field);
      return response;
    };
    const noReason = await refused({ systolic_bp: 128 }, 'reason');
    expect(noReason.body.details).toContainEqual({ field: 'reason', problems: ['is required'] });
    await refused({ systolic_bp: 128, reason: '   ' }, 'reason');
    await refused({ systolic_bp: 128, reason: 42 }, 'reason');
    await refused({ systolic_bp: 'high', reason: 'typo' }, 'systolic_bp');
    await refused({ systolic_bp: null, reason: 'typo' }, 'systolic_bp');
    await refused({ systolic_bp: 400, reason: 'typo' }, 'systolic_bp');
    await refused({ diastolic_bp: 130, reason: 'typo' }, 'diastolic_bp');
    await refused({ systolic_bp: 80, reason: 'typo' }, 'systolic_bp');
    await refused({ temperature: 36.85, reason: 'typo' }, 'temperature');
    await refused({ visit_date: '2099-01-01', reason: 'typo' }, 'visit_date');
    await refused({ measurement_time: '2099-01-01T00:00:00Z', reason: 'typo' }, 'measurement_time');
    await refused({ SystolicBP: 128, reason: 'typo' }, 'SystolicBP');
    await refused({ patient_id: '00000000-0000-4000-8000-000000000000', systolic_bp: 128, reason: 'typo' }, 'patient_id');
    await refused({ systolic_bp: 125, reason: 'typo' }, 'Nothing would change');
    await refused({ reason: 'typo' }, 'Nothing to correct');
    await investigator.patch('/edc/vitals/not-a-uuid').send({ systolic_bp: 128, reason: 'typo' }).expect(400);

    expect((await history(id)).versions).toHaveLength(1);
    expect((await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals[0]).toMatchObject({ systolic_bp: 125, diastolic_bp: 80 });
    expect((await auditEvents(id)).filter((event) => event.action !== 'create')).toEqual([]);
  });

  it("refuses a change of visit or time onto another stored measurement's key", async () => {
    const { id, subject } = await storeVital();
    await platform.admin
      .post('/edc/store-vitals')
      .send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Week 4', MeasurementTime: '2026-03-01T11:00:00Z' })] })
      .expect(201);
    const clash = await investigator.patch(`/edc/vitals/${id}`).send({ measurement_time: '2026-03-01T12:00:00+01:00', reason: 'wrong hour' }).expect(409);
    expect(clash.body.message).toContain('already has a vital sign at visit "Week 4"');
    expect((await history(id)).vital.measurement_time).toBe('2026-03-01T09:30:00.000Z');

    const moved = await investigator.patch(`/edc/vitals/${id}`).send({ visit_name: 'Week 12', reason: 'wrong visit' }).expect(200);
    expect(moved.body.vital.visit_name).toBe('Week 12');
    const vitals = (await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals as Array<{ visit_name: string }>;
    expect(vitals.map((vital) => vital.visit_name).sort()).toEqual(['Week 12', 'Week 4']);
  });

  it('enters a record in error: hidden from reads and the view, kept in its history, its key free again', async () => {
    const { id, subject } = await storeVital();
    await investigator.get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(JSON.stringify((await investigator.get(`/edc/patients/${subject}/casebook`).expect(200)).body)).toContain(id);

    await investigator.post(`/edc/vitals/${id}/entered-in-error`).send({}).expect(400);
    const marked = await investigator.post(`/edc/vitals/${id}/entered-in-error`).send({ reason: 'recorded for the wrong subject' }).expect(200);
    expect(marked.body).toMatchObject({ entered_in_error: true, entered_in_error_reason: 'recorded for the wrong subject' });

    expect((await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals).toEqual([]);
    expect(JSON.stringify((await investigator.get(`/edc/patients/${subject}/casebook`).expect(200)).body)).not.toContain(id);
    expect((await platform.database!.admin('SELECT count(*)::int AS n FROM edc_vitals WHERE vital_sign_id = $1', [id])).rows[0].n).toBe(0);

    const again = await investigator.post(`/edc/vitals/${id}/entered-in-error`).send({ reason: 'once more' }).expect(409);
    expect(again.body.message).toContain('already entered in error');
    await investigator.patch(`/edc/vitals/${id}`).send({ systolic_bp: 128, reason: 'typo' }).expect(404);

    const { versions, entered_in_error } = await investigator.get(`/edc/vitals/${id}/history`).expect(200).then((r) => r.body);
    expect(entered_in_error).toBe(true);
    expect(versions.map((v: Version) => [v.action, v.reason])).toEqual([
      ['create', null],
      ['entered_in_error', 'recorded for the wrong subject'],
    ]);
    expect(versions[1].values).toMatchObject({ systolic_bp: 125, entered_in_error_reason: 'recorded for the wrong subject' });

    // The same subject, visit and time can be captured again, with the right values.
    const recaptured = await platform.admin
      .post('/edc/store-vitals')
      .send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Week 4', MeasurementTime: '2026-03-01T09:30:00Z', SystolicBP: 131 })] })
      .expect(201);
    expect(recaptured.body.records_stored).toBe(1);
    const vitals = (await investigator.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals;
    expect(vitals).toEqual([expect.objectContaining({ systolic_bp: 131 })]);
    expect(vitals[0].id).not.toBe(id);

    const events = await auditEvents(id);
    expect(events).toContainEqual(expect.objectContaining({ action: 'entered_in_error', username: investigatorName, reason: 'recorded for the wrong subject' }));
  });

  it("answers 404 to another site's users for every route and changes nothing", async () => {
    const { id, subject } = await storeVital();
    for (const response of [
      await otherSite.patch(`/edc/vitals/${id}`).send({ systolic_bp: 128, reason: 'typo' }),
      await otherSite.get(`/edc/vitals/${id}/history`),
      await otherSite.post(`/edc/vitals/${id}/entered-in-error`).send({ reason: 'typo' }),
      await otherSite.get('/edc/vitals/00000000-0000-4000-8000-000000000000/history'),
    ]) {
      expect(response.status).toBe(404);
      expect(JSON.stringify(response.body)).not.toContain(subject);
    }
    const unchanged = await history(id);
    expect(unchanged.versions).toHaveLength(1);
    expect(unchanged).toMatchObject({ entered_in_error: false, vital: { systolic_bp: 125 } });
  });

  it('refuses changes to locked data with 409 naming who locked it and when', async () => {
    const { id, subject } = await storeVital();
    const patient = await platform.database!.admin('SELECT id FROM patients WHERE subject_number = $1', [subject]);
    await platform.database!.admin(`INSERT INTO edc_locks (patient_id, visit_name, locked_by_username) VALUES ($1, 'Week 4', 'dm-lead')`, [patient.rows[0].id]);

    const correction = await investigator.patch(`/edc/vitals/${id}`).send({ systolic_bp: 128, reason: 'typo' }).expect(409);
    expect(correction.body.message).toMatch(/Visit Week 4 of subject .* is locked by dm-lead since \d{4}-\d{2}-\d{2}T/);
    const marking = await investigator.post(`/edc/vitals/${id}/entered-in-error`).send({ reason: 'typo' }).expect(409);
    expect(marking.body.message).toContain('locked by dm-lead');

    const unchanged = await history(id);
    expect(unchanged.versions).toHaveLength(1);
    expect(unchanged).toMatchObject({ entered_in_error: false, vital: { systolic_bp: 125 } });
    expect((await auditEvents(id)).map((event) => event.action)).toEqual(['create']);
  });

  describe('adverse events', () => {
    const HEADACHE = adverseEvent();

    /** Records one adverse event of a new subject at S01 (as the admin) and answers its id. */
    async function storeAdverseEvent(): Promise<{ id: string; subject: string }> {
      const subject = newSubjectId('CAE');
      await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01' })] }).expect(201);
      const created = await platform.admin.post(`/edc/patients/${subject}/adverse-events`).send(HEADACHE).expect(201);
      return { id: created.body.id, subject };
    }

    const aeHistory = async (id: string): Promise<{ versions: Version[]; adverse_event: Record<string, unknown>; entered_in_error: boolean }> =>
      (await platform.admin.get(`/edc/adverse-events/${id}/history`).expect(200)).body;
    const listed = async (subject: string): Promise<Array<Record<string, unknown>>> =>
      (await investigator.get(`/edc/patients/${subject}/adverse-events`).expect(200)).body.adverse_events;

    it('corrects an event with a reason: the answer, the next reads and the history show it, and the audit trail says who and why', async () => {
      const { id, subject } = await storeAdverseEvent();
      expect((await listed(subject))[0]).toMatchObject({ id, severity_grade: 1 });

      const corrected = await investigator
        .patch(`/edc/adverse-events/${id}`)
        .send({ severity_grade: 2, end_date: null, outcome: 'recovering', reason: 'grade misread from the source document' })
        .expect(200);
      expect(corrected.body.adverse_event).toMatchObject({ id, severity_grade: 2, end_date: null, outcome: 'recovering' });
      expect((await listed(subject))[0]).toMatchObject({ id, severity_grade: 2, end_date: null, corrected_at: expect.any(String) });
      expect((await investigator.get(`/edc/adverse-events/${id}`).expect(200)).body).toMatchObject({ severity_grade: 2 });

      const { versions } = await aeHistory(id);
      expect(versions.map((v) => [v.version, v.action, v.by?.username, v.reason])).toEqual([
        [1, 'create', 'admin', null],
        [2, 'correct', investigatorName, 'grade misread from the source document'],
      ]);
      expect(versions[0].values).toMatchObject({ severity_grade: 1, end_date: '2026-03-04', outcome: 'recovered' });
      expect(versions[1].changes).toEqual([
        { field: 'end_date', old: '2026-03-04', new: null },
        { field: 'severity_grade', old: 1, new: 2 },
        { field: 'outcome', old: 'recovered', new: 'recovering' },
      ]);

      const events = await auditEvents(id, 'adverse_event');
      expect(events).toContainEqual(
        expect.objectContaining({
          action: 'correct',
          username: investigatorName,
          reason: 'grade misread from the source document',
          changes: expect.objectContaining({ severity_grade: { old: 1, new: 2 } }),
        }),
      );
    });

    it('refuses a correction without a reason, breaking the field rules or naming unknown fields, changing nothing', async () => {
      const { id } = await storeAdverseEvent();
      const refused = async (body: Record<string, unknown>, field: string) => {
        const response = await investigator.patch(`/edc/adverse-events/${id}`).send(body).expect(400);
        expect(JSON.stringify(response.body)).toContain(field);
      };
      await refused({ severity_grade: 2 }, 'reason');
      await refused({ severity_grade: 2, reason: '' }, 'reason');
      await refused({ severity_grade: 6, reason: 'typo' }, 'severity_grade');
      await refused({ severity_grade: 5, reason: 'typo' }, 'outcome');
      await refused({ end_date: '2026-03-01', reason: 'typo' }, 'end_date');
      await refused({ onset_date: '2099-01-01', reason: 'typo' }, 'onset_date');
      await refused({ body_system: 'Heart', reason: 'typo' }, 'body_system');
      await refused({ serious: 'no', reason: 'typo' }, 'serious');
      await refused({ term: null, reason: 'typo' }, 'term');
      await refused({ grade: 2, reason: 'typo' }, 'grade');
      await refused({ term: 'Headache', reason: 'typo' }, 'Nothing would change');
      await investigator.patch('/edc/adverse-events/not-a-uuid').send({ severity_grade: 2, reason: 'typo' }).expect(400);

      const unchanged = await aeHistory(id);
      expect(unchanged.versions).toHaveLength(1);
      expect(unchanged.adverse_event).toMatchObject(HEADACHE);
    });

    it('enters an event in error: hidden from reads and the view, kept in its history', async () => {
      const { id, subject } = await storeAdverseEvent();
      expect(await listed(subject)).toHaveLength(1);
      await investigator.post(`/edc/adverse-events/${id}/entered-in-error`).send({ reason: ' ' }).expect(400);
      const marked = await investigator.post(`/edc/adverse-events/${id}/entered-in-error`).send({ reason: 'duplicate of another report' }).expect(200);
      expect(marked.body).toMatchObject({ entered_in_error: true, entered_in_error_reason: 'duplicate of another report' });

      expect(await listed(subject)).toEqual([]);
      expect((await platform.database!.admin('SELECT count(*)::int AS n FROM edc_adverse_events WHERE adverse_event_id = $1', [id])).rows[0].n).toBe(0);
      await investigator.post(`/edc/adverse-events/${id}/entered-in-error`).send({ reason: 'again' }).expect(409);
      await investigator.patch(`/edc/adverse-events/${id}`).send({ severity_grade: 2, reason: 'typo' }).expect(404);

      const { versions } = await aeHistory(id);
      expect(versions.map((v) => [v.action, v.by?.username, v.reason])).toEqual([
        ['create', 'admin', null],
        ['entered_in_error', investigatorName, 'duplicate of another report'],
      ]);
      expect(await auditEvents(id, 'adverse_event')).toContainEqual(expect.objectContaining({ action: 'entered_in_error', reason: 'duplicate of another report' }));
    });

    it("answers 404 to another site's users for every route and changes nothing", async () => {
      const { id, subject } = await storeAdverseEvent();
      for (const response of [
        await otherSite.patch(`/edc/adverse-events/${id}`).send({ severity_grade: 2, reason: 'typo' }),
        await otherSite.get(`/edc/adverse-events/${id}/history`),
        await otherSite.post(`/edc/adverse-events/${id}/entered-in-error`).send({ reason: 'typo' }),
      ]) {
        expect(response.status).toBe(404);
        expect(JSON.stringify(response.body)).not.toContain(subject);
      }
      const unchanged = await aeHistory(id);
      expect(unchanged.versions).toHaveLength(1);
      expect(unchanged).toMatchObject({ entered_in_error: false, adverse_event: { severity_grade: 1 } });
    });

    it('refuses changes to a locked subject with 409 naming who locked it and when', async () => {
      const { id, subject } = await storeAdverseEvent();
      const patient = await platform.database!.admin('SELECT id FROM patients WHERE subject_number = $1', [subject]);
      await platform.database!.admin(`INSERT INTO edc_locks (patient_id, locked_by_username) VALUES ($1, 'dm-lead')`, [patient.rows[0].id]);

      const correction = await investigator.patch(`/edc/adverse-events/${id}`).send({ severity_grade: 2, reason: 'typo' }).expect(409);
      expect(correction.body.message).toMatch(/All data of subject .* is locked by dm-lead since \d{4}-\d{2}-\d{2}T/);
      await investigator.post(`/edc/adverse-events/${id}/entered-in-error`).send({ reason: 'typo' }).expect(409);
      expect((await aeHistory(id)).versions).toHaveLength(1);
      expect((await auditEvents(id, 'adverse_event')).map((event) => event.action)).toEqual(['create']);
    });
  });
});
