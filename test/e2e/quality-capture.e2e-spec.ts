import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, type VitalRecordBody, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * The study's edit checks at capture, through the gateway: a hard rule refuses a record with the
 * rule's message and stores nothing; a soft rule stores it and opens a query (origin capture) with
 * its message and audit event, once; a correction through the EDC answers the data point's queries
 * and checks the new value again; the EDC's validate lists the findings.
 */

interface Query {
  id: string;
  study: string;
  subject_id: string;
  vital_sign_id: string | null;
  visit_name: string | null;
  field: string | null;
  value: string | null;
  rule_id: string | null;
  status: string;
  origin: string;
  message: string;
  thread?: Array<{ kind: string; text: string | null; status_after: string; author_username: string | null }>;
}

const HARD_RULE = { type: 'range', severity: 'critical', field: 'HeartRate', hard_min: 40, hard_max: 150, message: 'Heart rate outside 40-150 bpm: check the source' };

describe.each(['all-in-one', 'split'] as const)('edit checks at capture (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let manager: Client;
  let investigator: Client;
  let investigatorName: string;
  const protocolId = newSubjectId('CAP');
  const at = (day: string, hour = 9) => ({ VisitDate: `2026-${day}`, MeasurementTime: `2026-${day}T${String(hour).padStart(2, '0')}:00:00Z` });
  const record = (overrides: Record<string, unknown>): VitalRecordBody & { MeasurementTime: string } => ({
    ...vitalRecord({ SiteID: 'S01', VisitName: 'Screening', ...at('01-05') }),
    ProtocolID: protocolId,
    ...overrides,
  }) as unknown as VitalRecordBody & { MeasurementTime: string };

  beforeAll(async () => {
    platform = await startPlatform(mode);
    manager = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('dm'), roles: ['data_manager'] })).client;
    investigatorName = newSubjectId('inv');
    investigator = (await createUser(platform.baseUrl, platform.admin, { username: investigatorName, roles: ['investigator'], site_ids: ['S01'] })).client;
    const study = await manager.post('/edc/studies').send({
      protocol_id: protocolId,
      title: 'Study checked at capture',
      baseline_visit: 'Baseline',
      sites: [{ site_id: 'S01', name: 'Oslo' }],
      arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }],
      schedule: [
        { visit_name: 'Screening', planned_day: -7, window_before: 7, window_after: 0 },
        { visit_name: 'Baseline', planned_day: 1 },
      ],
    });
    expect({ status: study.status, body: study.body }).toMatchObject({ status: 201 });
    const rule = await manager.put('/quality/checks/rules/HR-HARD').query({ study: protocolId }).send(HARD_RULE);
    expect({ status: rule.status, body: rule.body }).toMatchObject({ status: 200 });
  });
  afterAll(() => platform?.close());

  const db = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await platform.database!.admin(sql, params)).rows as T[];
  const counts = async () =>
    (
      await db<{ patients: number; vitals: number; queries: number }>(
        `SELECT (SELECT count(*)::int FROM patients WHERE protocol_id = $1) AS patients,
                (SELECT count(*)::int FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.protocol_id = $1) AS vitals,
                (SELECT count(*)::int FROM quality_queries WHERE protocol_id = $1) AS queries`,
        [protocolId],
      )
    )[0];
  const queriesOf = async (subject: string): Promise<Query[]> => {
    const response = await manager.get('/quality/queries').query({ study: protocolId, subject, limit: 100 });
    expect(response.status).toBe(200);
    return response.body.data as Query[];
  };
  const vitalIdOf = async (subject: string, measurementTime: string): Promise<string> => {
    const vitals = (await platform.admin.get(`/edc/patients/${subject}/vitals`).query({ protocolId }).expect(200)).body.vitals as Array<{ id: string; measurement_time: string }>;
    return vitals.find((vital) => vital.measurement_time === new Date(measurementTime).toISOString())!.id;
  };

  it('refuses a record breaking a hard rule with the rule id and message, and stores nothing of the request', async () => {
    const before = await counts();
    const good = record({ SubjectID: newSubjectId('S01') });
    const bad = record({ SubjectID: newSubjectId('S01'), HeartRate: 170 });
    const response = await investigator.post('/edc/store-vitals').send({ records: [good, bad] });
    expect(response.status).toBe(422);
    expect(response.body.message).toContain('HR-HARD: Heart rate outside 40-150 bpm: check the source');
    expect(response.body.message).toMatch(/nothing was stored/);
    expect(response.body.details).toEqual([{ field: 'records[1].HeartRate', problems: ['HR-HARD: Heart rate outside 40-150 bpm: check the source'] }]);
    expect(await counts()).toEqual(before);
  });

  it('refuses the one-record capture of a known subject the same way', async () => {
    const subject = newSubjectId('S01');
    await investigator.post('/edc/store-vitals').send({ records: [record({ SubjectID: subject })] }).expect(201);
    const before = await counts();
    const response = await investigator
      .post(`/edc/patients/${subject}/vitals`)
      .query({ protocolId })
      .send({ visit_name: 'Baseline', visit_date: '2026-01-12', systolic_bp: 125, diastolic_bp: 80, heart_rate: 30, temperature: 36.8 });
    expect({ status: response.status, message: response.body.message }).toMatchObject({ status: 422, message: expect.stringContaining('HR-HARD') });
    expect(await counts()).toEqual(before);
  });

  describe('a soft rule', () => {
    const subject = newSubjectId('S01');
    const high = record({ SubjectID: subject, SystolicBP: 250, ...at('01-05', 9) });
    let query: Query;

    it('stores the record and opens one query (origin capture) with its message, thread and audit event', async () => {
      const stored = await investigator.post('/edc/store-vitals').send({ records: [high] });
      expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201, body: { records_stored: 1, queries_opened: 1 } });
      const queries = await queriesOf(subject);
      expect(queries).toHaveLength(1);
      query = queries[0];
      expect(query).toMatchObject({ study: protocolId, rule_id: 'VS001', field: 'SystolicBP', value: '250', status: 'open', origin: 'capture', visit_name: 'Screening' });
      expect(query.vital_sign_id).toBe(await vitalIdOf(subject, high.MeasurementTime));
      const detail = (await manager.get(`/quality/queries/${query.id}`).expect(200)).body as Query;
      expect(detail.thread).toEqual([expect.objectContaining({ kind: 'opened', text: query.message, status_after: 'open', author_username: investigatorName })]);
      const events = await db<{ username: string; subject: string; changes: Record<string, { old: unknown; new: unknown }> }>(
        `SELECT username, subject, changes FROM audit_events WHERE entity_type = 'quality_query' AND action = 'open' AND entity_id = $1`,
        [query.id],
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        username: investigatorName,
        subject,
        changes: { status: { old: null, new: 'open' }, origin: { new: 'capture' }, rule_id: { new: 'VS001' }, value: { new: '250' } },
      });
    });

    it('a record re-sent identically is already stored and opens nothing new', async () => {
      const again = await investigator.post('/edc/store-vitals').send({ records: [high] });
      expect({ status: again.status, body: again.body }).toMatchObject({ status: 201, body: { records_stored: 0, records_already_stored: 1, queries_opened: 0 } });
      expect(await queriesOf(subject)).toHaveLength(1);
    });

    it('a second measurement of the same visit (another time) opens VS012 on it, against the stored one', async () => {
      const duplicate = record({ SubjectID: subject, ...at('01-05', 11) });
      const stored = await investigator.post('/edc/store-vitals').send({ records: [duplicate] });
      expect({ status: stored.status, body: stored.body }).toMatchObject({ status: 201, body: { records_stored: 1, queries_opened: 1 } });
      const vs012 = (await queriesOf(subject)).filter((q) => q.rule_id === 'VS012');
      expect(vs012).toEqual([expect.objectContaining({ origin: 'capture', status: 'open', vital_sign_id: await vitalIdOf(subject, duplicate.MeasurementTime) })]);
    });

    it('correcting the value to a good one answers the query with the reason, and opens nothing new', async () => {
      const vitalId = query.vital_sign_id!;
      await investigator.patch(`/edc/vitals/${vitalId}`).send({ systolic_bp: 130, reason: 'transcription error: 130 on the source' }).expect(200);
      const detail = (await manager.get(`/quality/queries/${query.id}`).expect(200)).body as Query;
      expect(detail.status).toBe('answered');
      expect(detail.thread?.at(-1)).toMatchObject({ kind: 'correction', text: 'transcription error: 130 on the source', status_after: 'answered', author_username: investigatorName });
      const onVital = (await queriesOf(subject)).filter((q) => q.vital_sign_id === vitalId);
      expect(onVital.map((q) => q.id)).toEqual([query.id]);
      const events = await db<{ changes: Record<string, { old: unknown; new: unknown }>; reason: string }>(
        `SELECT changes, reason FROM audit_events WHERE entity_type = 'quality_query' AND action = 'correction' AND entity_id = $1`,
        [query.id],
      );
      expect(events).toEqual([{ changes: { status: { old: 'open', new: 'answered' } }, reason: 'transcription error: 130 on the source' }]);
    });
  });

  describe('a correction to another bad value', () => {
    const subject = newSubjectId('S01');
    const high = record({ SubjectID: subject, SystolicBP: 250 });
    let vitalId: string;
    let first: Query;

    beforeAll(async () => {
      await investigator.post('/edc/store-vitals').send({ records: [high] }).expect(201);
      vitalId = await vitalIdOf(subject, high.MeasurementTime);
      [first] = await queriesOf(subject);
    });

    it('answers the old query and opens a new one on the new value', async () => {
      await investigator.patch(`/edc/vitals/${vitalId}`).send({ systolic_bp: 90, reason: 'misread the chart' }).expect(200);
      const queries = await queriesOf(subject);
      expect(queries.map((q) => [q.rule_id, q.value, q.status, q.origin]).sort()).toEqual([
        ['VS001', '250', 'answered', 'capture'],
        ['VS001', '90', 'open', 'capture'],
      ]);
      expect(queries.find((q) => q.value === '250')?.id).toBe(first.id);
    });

    it('a correction breaking a hard rule is refused with its message, and nothing changes', async () => {
      const before = await queriesOf(subject);
      const response = await investigator.patch(`/edc/vitals/${vitalId}`).send({ heart_rate: 170, reason: 'recounted' });
      expect({ status: response.status, message: response.body.message }).toMatchObject({ status: 422, message: expect.stringMatching(/nothing changed.*heart_rate HR-HARD: Heart rate outside 40-150 bpm/) });
      expect(response.body.details).toEqual([{ field: 'heart_rate', problems: ['HR-HARD: Heart rate outside 40-150 bpm: check the source'] }]);
      const [vital] = await db<{ heart_rate: number; systolic_bp: number }>(`SELECT heart_rate, systolic_bp FROM vital_signs WHERE id = $1`, [vitalId]);
      expect(vital).toEqual({ heart_rate: 72, systolic_bp: 90 });
      expect(await queriesOf(subject)).toEqual(before);
    });

    it('entering the record in error answers its open queries, without checking it again', async () => {
      await investigator.post(`/edc/vitals/${vitalId}/entered-in-error`).send({ reason: 'wrong subject' }).expect(200);
      const queries = await queriesOf(subject);
      expect(queries.map((q) => [q.value, q.status]).sort()).toEqual([
        ['250', 'answered'],
        ['90', 'answered'],
      ]);
    });
  });

  describe('the CSV import', () => {
    const HEADER = 'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,SiteID,VisitDate,MeasurementTime';
    const line = (subject: string, systolic: number, heartRate = 72) => `${subject},Screening,Active,${systolic},80,${heartRate},36.8,S01,2026-01-05,2026-01-05T09:00:00Z`;
    const importCsv = (lines: string[], validOnly = false) =>
      investigator
        .post(`/edc/studies/${protocolId}/vitals/import`)
        .query(validOnly ? { valid_only: 'true' } : {})
        .set('Content-Type', 'text/csv')
        .send([HEADER, ...lines].join('\n'));

    it('opens a query for a soft finding and answers queries_opened', async () => {
      const subject = newSubjectId('S01');
      const response = await importCsv([line(subject, 250), line(newSubjectId('S01'), 125)]);
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 201, body: { records_stored: 2, queries_opened: 1 } });
      expect((await queriesOf(subject)).map((q) => [q.rule_id, q.value, q.origin])).toEqual([['VS001', '250', 'capture']]);
    });

    it('a hard finding refuses the whole file, also with valid_only, and nothing is stored', async () => {
      const before = await counts();
      for (const validOnly of [false, true]) {
        const response = await importCsv([line(newSubjectId('S01'), 125), line(newSubjectId('S01'), 125, 170)], validOnly);
        expect({ status: response.status, message: response.body.message }).toMatchObject({ status: 422, message: expect.stringContaining('HR-HARD') });
      }
      expect(await counts()).toEqual(before);
    });
  });

  it('a query opened at capture is seen only by users of its site', async () => {
    const otherSite = (await createUser(platform.baseUrl, platform.admin, { username: newSubjectId('inv-s02'), roles: ['investigator'], site_ids: ['S02'] })).client;
    const subject = newSubjectId('S01');
    await investigator.post('/edc/store-vitals').send({ records: [record({ SubjectID: subject, Temperature: 41 })] }).expect(201);
    expect((await queriesOf(subject)).map((q) => q.rule_id)).toEqual(['VS004']);
    const seen = await otherSite.get('/quality/queries').query({ study: protocolId, subject });
    expect({ status: seen.status, data: seen.body.data }).toEqual({ status: 200, data: [] });
  });

  it('POST /edc/validate lists each record\'s findings: a hard one makes it invalid, soft ones leave it valid; nothing is stored', async () => {
    const before = await counts();
    const response = await investigator.post('/edc/validate').send({
      records: [record({ SubjectID: newSubjectId('S01'), SystolicBP: 250 }), record({ SubjectID: newSubjectId('S01'), HeartRate: 170 }), record({ SubjectID: newSubjectId('S01') })],
    });
    expect(response.status).toBe(200);
    const [soft, hard, clean] = response.body.results;
    expect(soft).toMatchObject({ valid: true, findings: [{ rule_id: 'VS001', severity: 'minor', hard: false, field: 'SystolicBP', value: '250' }] });
    expect(hard.valid).toBe(false);
    expect(hard.findings).toContainEqual({ rule_id: 'HR-HARD', severity: 'critical', hard: true, field: 'HeartRate', value: '170', message: HARD_RULE.message });
    expect(clean).toMatchObject({ valid: true, findings: [] });
    expect(response.body).toMatchObject({ total: 3, passed: 2, failed: 1 });
    expect(await counts()).toEqual(before);
  });
});
