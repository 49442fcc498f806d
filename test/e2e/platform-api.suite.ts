import request from 'supertest';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';

/**
 * What a client of the platform can rely on. Run unchanged against every mode, which proves the
 * modes give the same URLs, bodies and status codes.
 */
export function describePlatformApi(mode: Mode): void {
  describe(`platform API (${mode} mode)`, () => {
    let platform: PlatformUnderTest;
    const api = () => platform.admin;
    const store = (records: unknown[]) => api().post('/edc/store-vitals').send({ records });

    beforeAll(async () => {
      platform = await startPlatform(mode);
    });
    afterAll(async () => {
      await platform?.close();
    });

    describe('health', () => {
      it('reports the database and cache up, with service name and timestamp, without a token', async () => {
        const response = await request(platform.baseUrl).get('/health').expect(200);
        expect(response.body).toMatchObject({ status: 'ok', service: 'api-gateway' });
        expect(Date.parse(response.body.timestamp)).not.toBeNaN();
        expect(response.body.details.cache).toMatchObject({ status: 'up', connected: true });
        if (mode !== 'split') expect(response.body.details.database.status).toBe('up');
      });

      it.each(['edc', 'generation', 'analytics', 'quality', 'security'])('serves /%s/health for that service', async (prefix) => {
        const response = await request(platform.baseUrl).get(`/${prefix}/health`).expect(200);
        expect(response.body.status).toBe('ok');
        expect(response.body.service).toMatch(/-service$/);
        expect(response.body.details.database.status).toBe('up');
      });
    });

    describe('POST /edc/store-vitals', () => {
      it("stores the design's example body and says how much was stored and created", async () => {
        const subject = newSubjectId('RA001');
        const response = await store([vitalRecord({ SubjectID: subject })]).expect(201);
        expect(response.body).toMatchObject({
          records_stored: 1,
          records_received: 1,
          records_already_stored: 0,
          patients_created: 1,
        });
        expect(response.body.batch_id).toMatch(/^[0-9a-f-]{36}$/);
      });

      it('stores the optional site, protocol, date and time fields and reads them back in visit order', async () => {
        const subject = newSubjectId();
        await store([
          vitalRecord({ SubjectID: subject, VisitName: 'Week 4', VisitDate: '2026-02-01', MeasurementTime: '2026-02-01T09:30:00+01:00', SiteID: 'S01', ProtocolID: 'P-ORDER', RespiratoryRate: 16 }),
          vitalRecord({ SubjectID: subject, VisitName: 'Screening', VisitDate: '2026-01-01', SiteID: 'S01', ProtocolID: 'P-ORDER', Temperature: 37.1 }),
        ]).expect(201);
        const response = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
        expect(response.body).toMatchObject({ subject_id: subject, protocol_id: 'P-ORDER', treatment_arm: 'Active' });
        expect(response.body.vitals.map((v: { visit_name: string }) => v.visit_name)).toEqual(['Screening', 'Week 4']);
        expect(response.body.vitals[0]).toMatchObject({ visit_date: '2026-01-01', measurement_time: null, temperature: 37.1 });
        expect(response.body.vitals[1]).toMatchObject({
          visit_date: '2026-02-01',
          measurement_time: '2026-02-01T08:30:00.000Z',
          systolic_bp: 125,
          diastolic_bp: 80,
          heart_rate: 72,
          respiratory_rate: 16,
        });
      });

      it('stores a retried request once and reports the records as already stored', async () => {
        const records = [1, 2, 3].map((n) => vitalRecord({ SubjectID: newSubjectId(), VisitName: `Visit ${n}` }));
        await store(records).expect(201);
        const retry = await store(records).expect(201);
        expect(retry.body).toMatchObject({ records_stored: 0, records_already_stored: 3, patients_created: 0 });
        const read = await api().get(`/edc/patients/${records[0].SubjectID}/vitals`).expect(200);
        expect(read.body.vitals).toHaveLength(1);
      });

      it('collapses exact repeats inside one batch', async () => {
        const record = vitalRecord({ SubjectID: newSubjectId() });
        const response = await store([record, record]).expect(201);
        expect(response.body).toMatchObject({ records_stored: 1, records_already_stored: 1, patients_created: 1 });
      });

      it('rejects wrong types, missing and unknown fields, naming the record index and field', async () => {
        const good = vitalRecord({ SubjectID: newSubjectId() });
        const { HeartRate: _omitted, ...missingHeartRate } = vitalRecord({ SubjectID: newSubjectId() });
        const response = await store([good, { ...good, SystolicBP: '125' }, missingHeartRate, { ...good, Weight: 80 }]).expect(400);
        const fields = response.body.details.map((d: { field: string }) => d.field);
        expect(fields).toEqual(expect.arrayContaining(['records[1].SystolicBP', 'records[2].HeartRate', 'records[3].Weight']));
        expect(response.body.details).toEqual(
          expect.arrayContaining([
            { field: 'records[1].SystolicBP', problems: ['must be an integer number'] },
            { field: 'records[2].HeartRate', problems: ['is required'] },
          ]),
        );
        expect(response.body.message).toMatch(/^Validation failed: /);
        await api().get(`/edc/patients/${good.SubjectID}`).expect(404);
      });

      it.each([
        ['diastolic not below systolic', { SystolicBP: 120, DiastolicBP: 120 }, 'DiastolicBP'],
        ['negative heart rate', { HeartRate: -5 }, 'HeartRate'],
        ['absurd systolic pressure', { SystolicBP: 900 }, 'SystolicBP'],
        ['temperature in Fahrenheit', { Temperature: 98.6 }, 'Temperature'],
        ['a visit date in the future', { VisitDate: '2999-01-01' }, 'VisitDate'],
        ['an impossible calendar date', { VisitDate: '2026-02-30' }, 'VisitDate'],
        ['a timestamp without time zone', { MeasurementTime: '2026-01-01T10:00:00' }, 'MeasurementTime'],
        ['a malformed subject id', { SubjectID: 'RA 001/../x' }, 'SubjectID'],
      ])('rejects %s', async (_case, change, field) => {
        const response = await store([vitalRecord({ SubjectID: newSubjectId(), ...change })]).expect(400);
        expect(response.body.details.map((d: { field: string }) => d.field)).toContain(`records[0].${field}`);
      });

      it('stores all or nothing: one bad record in the middle rejects the whole batch', async () => {
        const subjects = [newSubjectId(), newSubjectId(), newSubjectId()];
        const batch = subjects.map((SubjectID) => vitalRecord({ SubjectID }));
        batch[1] = { ...batch[1], DiastolicBP: 190 };
        await store(batch).expect(400);
        for (const subject of subjects) await api().get(`/edc/patients/${subject}`).expect(404);
      });

      it('stores all or nothing when a record in the middle contradicts a stored subject', async () => {
        const existing = newSubjectId();
        await store([vitalRecord({ SubjectID: existing, TreatmentArm: 'Placebo' })]).expect(201);
        const fresh = [newSubjectId(), newSubjectId()];
        const response = await store([
          vitalRecord({ SubjectID: fresh[0] }),
          vitalRecord({ SubjectID: existing, TreatmentArm: 'Active', VisitName: 'Week 2' }),
          vitalRecord({ SubjectID: fresh[1] }),
        ]).expect(409);
        expect(response.body.details[0].field).toBe('records[1].TreatmentArm');
        for (const subject of fresh) await api().get(`/edc/patients/${subject}`).expect(404);
        const read = await api().get(`/edc/patients/${existing}/vitals`).expect(200);
        expect(read.body.vitals).toHaveLength(1);
      });

      it('refuses to overwrite a stored measurement with other values', async () => {
        const record = vitalRecord({ SubjectID: newSubjectId(), MeasurementTime: '2026-01-05T08:00:00Z' });
        await store([record]).expect(201);
        const response = await store([{ ...record, HeartRate: 99 }]).expect(409);
        expect(response.body.details[0].field).toBe('records[0]');
        const read = await api().get(`/edc/patients/${record.SubjectID}/vitals`).expect(200);
        expect(read.body.vitals[0].heart_rate).toBe(72);
      });

      it('creates a new subject once when concurrent batches name it', async () => {
        const subject = newSubjectId();
        const responses = await Promise.all(
          [1, 2, 3, 4, 5, 6].map((n) => store([vitalRecord({ SubjectID: subject, VisitName: `Visit ${n}` })])),
        );
        expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
        expect(responses.reduce((sum, r) => sum + r.body.patients_created, 0)).toBe(1);
        const list = await api().get('/edc/patients').query({ limit: 500 }).expect(200);
        expect(list.body.data.filter((p: { subject_id: string }) => p.subject_id === subject)).toHaveLength(1);
        const read = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
        expect(read.body.vitals).toHaveLength(6);
      });

      it('shows new vitals on the next read after a store (cache invalidated)', async () => {
        const subject = newSubjectId();
        await store([vitalRecord({ SubjectID: subject, VisitName: 'Screening' })]).expect(201);
        const first = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
        const cachedAgain = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
        expect(cachedAgain.body).toEqual(first.body);
        await store([vitalRecord({ SubjectID: subject, VisitName: 'Baseline' })]).expect(201);
        const after = await api().get(`/edc/patients/${subject}/vitals`).expect(200);
        expect(after.body.vitals.map((v: { visit_name: string }) => v.visit_name).sort()).toEqual(['Baseline', 'Screening']);
      });

      it('answers broken JSON with 400, non-JSON with 415 and oversized bodies with 413', async () => {
        const broken = await api().post('/edc/store-vitals').set('content-type', 'application/json').send('{"records":[{').expect(400);
        expect(broken.body.message).toMatch(/not valid JSON/);
        await api().post('/edc/store-vitals').set('content-type', 'text/plain').send('records').expect(415);
        const huge = JSON.stringify({ records: [vitalRecord({ VisitName: 'x'.repeat(6 * 1024 * 1024) })] });
        const tooLarge = await api().post('/edc/store-vitals').set('content-type', 'application/json').send(huge);
        expect(tooLarge.status).toBe(413);
        expect(tooLarge.body.message).toMatch(/larger than the allowed limit/);
      });

      it('rejects an empty batch and more than 10,000 records', async () => {
        await store([]).expect(400);
        const record = vitalRecord();
        const response = await store(Array.from({ length: 10_001 }, () => record)).expect(400);
        expect(response.body.details[0]).toEqual({ field: 'records', problems: ['must hold at most 10000 records'] });
      });
    });

    describe('patients', () => {
      it('lists subjects with pagination and filters by site, protocol and arm', async () => {
        const protocol = `P-${newSubjectId('L')}`;
        const subjects = Array.from({ length: 5 }, (_, n) => `L-${String(n).padStart(3, '0')}`);
        await store(
          subjects.map((SubjectID, n) =>
            vitalRecord({ SubjectID, ProtocolID: protocol, SiteID: n < 3 ? 'S-A' : 'S-B', TreatmentArm: n % 2 ? 'Placebo' : 'Active' }),
          ),
        ).expect(201);
        const firstPage = await api().get('/edc/patients').query({ protocolId: protocol, limit: 2 }).expect(200);
        expect(firstPage.body.page).toEqual({ limit: 2, offset: 0, total: 5 });
        expect(firstPage.body.data.map((p: { subject_id: string }) => p.subject_id)).toEqual(subjects.slice(0, 2));
        const lastPage = await api().get('/edc/patients').query({ protocolId: protocol, limit: 2, offset: 4 }).expect(200);
        expect(lastPage.body.data.map((p: { subject_id: string }) => p.subject_id)).toEqual(subjects.slice(4));
        const siteB = await api().get('/edc/patients').query({ protocolId: protocol, siteId: 'S-B' }).expect(200);
        expect(siteB.body.page.total).toBe(2);
        const placebo = await api().get('/edc/patients').query({ protocolId: protocol, treatmentArm: 'Placebo' }).expect(200);
        expect(placebo.body.data.every((p: { treatment_arm: string }) => p.treatment_arm === 'Placebo')).toBe(true);
        expect(placebo.body.page.total).toBe(2);
      });

      it('rejects bad paging values', async () => {
        const response = await api().get('/edc/patients').query({ limit: 0, offset: -1 }).expect(400);
        expect(response.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['limit', 'offset']);
        await api().get('/edc/patients').query({ color: 'blue' }).expect(400);
      });

      it('reads one subject, 404 for an unknown one, 400 for a malformed id', async () => {
        const subject = newSubjectId();
        await store([vitalRecord({ SubjectID: subject, SiteID: 'S-9' })]).expect(201);
        const response = await api().get(`/edc/patients/${subject}`).expect(200);
        expect(response.body).toMatchObject({ subject_id: subject, site_id: 'S-9', treatment_arm: 'Active', status: 'enrolled' });
        const missing = await api().get('/edc/patients/NOPE-404').expect(404);
        expect(missing.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
        await api().get('/edc/patients/NOPE-404/vitals').expect(404);
        await api().get('/edc/patients/%20bad%20/vitals').expect(400);
      });

      it('asks for the protocol when a subject number exists in two protocols', async () => {
        const subject = newSubjectId();
        await store([vitalRecord({ SubjectID: subject, ProtocolID: 'P-ONE' }), vitalRecord({ SubjectID: subject, ProtocolID: 'P-TWO' })]).expect(201);
        const ambiguous = await api().get(`/edc/patients/${subject}/vitals`).expect(409);
        expect(ambiguous.body.message).toMatch(/protocolId/);
        const chosen = await api().get(`/edc/patients/${subject}/vitals`).query({ protocolId: 'P-TWO' }).expect(200);
        expect(chosen.body.protocol_id).toBe('P-TWO');
      });
    });

    describe('error bodies: one shape, and in every mode the same body, naming the path the client called', () => {
      const requestId = 'same-in-every-mode';
      const without = (body: Record<string, unknown>) => {
        expect(Date.parse(body.timestamp as string)).not.toBeNaN();
        const { timestamp: _timestamp, ...rest } = body;
        return rest;
      };

      it.each([
        {
          call: 'POST /edc/store-vitals with records that are not a list',
          send: () => api().post('/edc/store-vitals').send({ records: 'not-a-list' }),
          body: {
            statusCode: 400,
            error: 'Bad Request',
            message: 'Validation failed: records: must be an array',
            details: [{ field: 'records', problems: ['must be an array'] }],
            path: '/edc/store-vitals',
          },
        },
        {
          call: 'GET /edc/patients with bad paging',
          send: () => api().get('/edc/patients?limit=0'),
          body: {
            statusCode: 400,
            error: 'Bad Request',
            message: 'Validation failed: limit: must not be less than 1',
            details: [{ field: 'limit', problems: ['must not be less than 1'] }],
            path: '/edc/patients?limit=0',
          },
        },
        {
          call: 'GET /edc/patients/:subjectId for an unknown subject',
          send: () => api().get('/edc/patients/NOPE-404/vitals?protocolId=P-NONE'),
          body: { statusCode: 404, error: 'Not Found', message: expect.any(String), path: '/edc/patients/NOPE-404/vitals?protocolId=P-NONE' },
        },
        {
          call: 'an unknown route',
          send: () => api().get('/edc/no-such-route'),
          body: { statusCode: 404, error: 'Not Found', message: 'Cannot GET /edc/no-such-route', path: '/edc/no-such-route' },
        },
        {
          call: 'a route without a token',
          send: () => request(platform.baseUrl).get('/security/users'),
          body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String), path: '/security/users' },
        },
      ])('$call', async ({ send, body }) => {
        const response = await send().set('x-request-id', requestId);
        expect(response.status).toBe(body.statusCode);
        expect(without(response.body)).toEqual({ ...body, requestId });
      });
    });

    it('answers unknown routes with 404 in the platform error format, with a request id', async () => {
      const response = await request(platform.baseUrl).get('/edc/no-such-route').set('x-request-id', 'trace-123').expect(404);
      expect(response.headers['x-request-id']).toBe('trace-123');
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found', requestId: 'trace-123' });
    });
  });
}
