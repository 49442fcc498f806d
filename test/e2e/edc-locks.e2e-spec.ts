import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;

/** The status, with the body's message beside it so that a failure shows what the platform said. */
function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

const ADVERSE_EVENT = adverseEvent({ onset_date: '2026-03-01', end_date: null, relationship: 'not_related' });

const DEMOGRAPHICS = { sex: 'F', birth_year: 1961, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 168, weight_kg: 72.4 };

/** One record through the single-record route, in its field names. */
const SINGLE_VITAL = { visit_name: 'Week 4', systolic_bp: 122, diastolic_bp: 78, heart_rate: 70, temperature: 36.7 };

describe.each(['all-in-one', 'split'] as const)('EDC locks (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let dataManager: { username: string; client: Client };
  let otherSiteDataManager: Client;
  let investigator: Client;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    const username = unique('locker');
    dataManager = { username, client: (await createUser(platform.baseUrl, platform.admin, { username, roles: ['data_manager'] })).client };
    otherSiteDataManager = (await createUser(platform.baseUrl, platform.admin, { username: unique('dm-s02'), roles: ['data_manager'], site_ids: ['S02'] })).client;
    investigator = (await createUser(platform.baseUrl, platform.admin, { username: unique('inv'), roles: ['investigator'], site_ids: ['S01'] })).client;
  });
  afterAll(() => platform?.close());

  /** A subject at site S01 with one Screening record; answers its number and patient id. */
  async function subjectWithData(): Promise<{ subject: string; patientId: string; vitalId: string }> {
    const subject = newSubjectId('LK');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01' })] }).expect(201);
    const vitals = await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200);
    return { subject, patientId: vitals.body.patient_id, vitalId: vitals.body.vitals[0].id };
  }

  const store = (client: Client, subject: string, visit: string, extra: Record<string, unknown> = {}) =>
    client.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: visit, ...extra })] });
  const lock = (subject: string, body: Record<string, unknown> = {}) => dataManager.client.post(`/edc/patients/${subject}/lock`).send(body);
  const unlock = (subject: string, body: Record<string, unknown>) => dataManager.client.post(`/edc/patients/${subject}/unlock`).send(body);
  const vitalsOf = async (subject: string) => (await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals as Array<{ visit_name: string }>;
  const locksOf = async (subject: string) => (await platform.admin.get(`/edc/patients/${subject}/locks`).expect(200)).body.locks as Array<Record<string, unknown>>;

  /** The refusal names the locker and the time of the lock (to the second, as the database writes it). */
  function expectLockedBy(response: Response, scope: string, lockedAt: string): void {
    expectStatus(response, 409);
    expect(response.body.message).toBe(
      `${scope} is locked by ${dataManager.username} since ${lockedAt.slice(0, 19)}Z; unlock it with a reason before changing it`,
    );
  }

  it('locks all data of a subject: every write is refused with 409 naming who locked it and when, until unlocked with a reason', async () => {
    const { subject, patientId, vitalId } = await subjectWithData();
    const adverseEvent = await platform.admin.post(`/edc/patients/${subject}/adverse-events`).send(ADVERSE_EVENT);
    expectStatus(adverseEvent, 201);
    const locked = await lock(subject, { reason: 'Data review complete' });
    expectStatus(locked, 201);
    expect(locked.body).toEqual(
      expect.objectContaining({
        subject_id: subject,
        protocol_id: 'DEFAULT',
        visit_name: null,
        open: true,
        locked_by_username: dataManager.username,
        reason: 'Data review complete',
        unlocked_at: null,
        unlock_reason: null,
      }),
    );
    const scope = `All data of subject ${subject}`;

    expectLockedBy(await store(platform.admin, subject, 'Week 4'), scope, locked.body.locked_at);
    expectLockedBy(await platform.admin.post(`/edc/patients/${subject}/adverse-events`).send(ADVERSE_EVENT), scope, locked.body.locked_at);
    expectLockedBy(
      await platform.admin.patch(`/edc/vitals/${vitalId}`).send({ heart_rate: 75, reason: 'transcription error' }),
      scope,
      locked.body.locked_at,
    );
    const otherWrites = [
      platform.admin.post(`/edc/patients/${subject}/vitals`).send(SINGLE_VITAL),
      platform.admin.post(`/edc/vitals/${vitalId}/entered-in-error`).send({ reason: 'wrong subject' }),
      platform.admin.patch(`/edc/adverse-events/${adverseEvent.body.id}`).send({ severity_grade: 2, reason: 'graded again' }),
      platform.admin.patch(`/edc/patients/${subject}`).send({ demographics: DEMOGRAPHICS, reason: 'demographics from the source documents' }),
      platform.admin.post(`/edc/patients/${subject}/status`).send({ status: 'withdrawn', reason: 'withdrew consent' }),
    ];
    for (const response of await Promise.all(otherWrites)) expectLockedBy(response, scope, locked.body.locked_at);
    // Nothing was written; reads go on.
    expect(await vitalsOf(subject)).toEqual([expect.objectContaining({ visit_name: 'Screening', heart_rate: 72 })]);
    expect((await platform.admin.get(`/edc/patients/${subject}/adverse-events`).expect(200)).body.adverse_events).toEqual([
      expect.objectContaining({ id: adverseEvent.body.id, severity_grade: 1 }),
    ]);
    expect((await platform.admin.get(`/edc/patients/${subject}`).expect(200)).body).toEqual(expect.objectContaining({ status: 'enrolled', demographics: {} }));

    const again = await lock(subject);
    expectStatus(again, 409);
    expect(again.body.message).toBe(`${scope} is already locked by ${dataManager.username} since ${locked.body.locked_at}`);

    expectStatus(await unlock(subject, {}), 400);
    expectStatus(await unlock(subject, { reason: '   ' }), 400);
    expectStatus(await unlock(subject, { reason: 'Query raised', extra: true }), 400);
    expectLockedBy(await store(platform.admin, subject, 'Week 4'), scope, locked.body.locked_at);

    const unlocked = await unlock(subject, { reason: 'Query on Week 4: site to add the visit' });
    expectStatus(unlocked, 200);
    expect(unlocked.body).toEqual(
      expect.objectContaining({ id: locked.body.id, open: false, unlocked_by_username: dataManager.username, unlock_reason: 'Query on Week 4: site to add the visit' }),
    );
    expectStatus(await store(platform.admin, subject, 'Week 4'), 201);
    expectStatus(await platform.admin.patch(`/edc/vitals/${vitalId}`).send({ heart_rate: 75, reason: 'transcription error' }), 200);
    expectStatus(await unlock(subject, { reason: 'twice' }), 404);

    const history = await locksOf(subject);
    expect(history).toEqual([
      expect.objectContaining({
        id: locked.body.id,
        visit_name: null,
        open: false,
        locked_at: locked.body.locked_at,
        locked_by_username: dataManager.username,
        reason: 'Data review complete',
        unlocked_at: unlocked.body.unlocked_at,
        unlock_reason: 'Query on Week 4: site to add the visit',
      }),
    ]);

    const events = await platform.admin.get('/security/audit/events').query({ entityType: 'patient', entityId: patientId }).expect(200);
    const byAction = (action: string) => events.body.data.filter((event: { action: string }) => event.action === action);
    expect(byAction('lock')).toEqual([
      expect.objectContaining({ username: dataManager.username, subject, reason: 'Data review complete', changes: { lock_id: { old: null, new: locked.body.id }, visit_name: { old: null, new: null } } }),
    ]);
    expect(byAction('unlock')).toEqual([
      expect.objectContaining({ username: dataManager.username, subject, reason: 'Query on Week 4: site to add the visit' }),
    ]);
  });

  it('locks one visit: writes to that visit are refused, other visits and adverse events are not', async () => {
    const { subject } = await subjectWithData();
    const locked = await lock(subject, { visit_name: 'Week 4' });
    expectStatus(locked, 201);
    expect(locked.body).toEqual(expect.objectContaining({ visit_name: 'Week 4', open: true, reason: null }));

    const scope = `Visit Week 4 of subject ${subject}`;
    expectLockedBy(await store(platform.admin, subject, 'Week 4'), scope, locked.body.locked_at);
    expectLockedBy(await platform.admin.post(`/edc/patients/${subject}/vitals`).send(SINGLE_VITAL), scope, locked.body.locked_at);
    expectStatus(await store(platform.admin, subject, 'Day 1'), 201);
    // Moving a record into the locked visit is a write to it too.
    const day1 = (await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals.find((vital: { visit_name: string }) => vital.visit_name === 'Day 1');
    expectLockedBy(await platform.admin.patch(`/edc/vitals/${day1.id}`).send({ visit_name: 'Week 4', reason: 'wrong visit' }), scope, locked.body.locked_at);
    expectStatus(await platform.admin.patch(`/edc/vitals/${day1.id}`).send({ heart_rate: 66, reason: 'transcription error' }), 200);
    expectStatus(await platform.admin.post(`/edc/patients/${subject}/adverse-events`).send(ADVERSE_EVENT), 201);

    const again = await lock(subject, { visit_name: 'Week 4' });
    expectStatus(again, 409);
    expect(again.body.message).toMatch(new RegExp(`^Visit Week 4 of subject ${subject} is already locked by ${dataManager.username} since `));

    // The whole subject is not locked: unlocking it names what is.
    const wrongScope = await unlock(subject, { reason: 'review over' });
    expectStatus(wrongScope, 404);
    expect(wrongScope.body.message).toBe(`All data of subject ${subject} is not locked (open locks: visit Week 4)`);

    expectStatus(await unlock(subject, { visit_name: 'Week 4', reason: 'review over' }), 200);
    expectStatus(await store(platform.admin, subject, 'Week 4'), 201);
    expect((await vitalsOf(subject)).map((vital) => vital.visit_name).sort()).toEqual(['Day 1', 'Screening', 'Week 4']);
  });

  it('locks a visit the study does not list once the subject has data for it, and refuses any other (400, nothing locked)', async () => {
    const { subject } = await subjectWithData();
    const unknown = await lock(subject, { visit_name: 'Week 99' });
    expectStatus(unknown, 400);
    expect(unknown.body.details).toEqual([{ field: 'visit_name', problems: [expect.stringContaining('Screening, Day 1, Week 4, Week 12')] }]);
    expect(await locksOf(subject)).toEqual([]);

    expectStatus(await store(platform.admin, subject, 'Week 99'), 201);
    expectStatus(await lock(subject, { visit_name: 'Week 99' }), 201);
  });

  it.each([
    ['a visit name of the wrong type', { visit_name: 4 }],
    ['a blank visit name', { visit_name: '  ' }],
    ['an unknown field', { visit: 'Week 4' }],
    ['a reason of the wrong type', { reason: ['why'] }],
  ])('refuses %s with 400 and locks nothing', async (_case, body) => {
    const { subject } = await subjectWithData();
    expectStatus(await lock(subject, body), 400);
    expect(await locksOf(subject)).toEqual([]);
  });

  it('answers 404 for a subject that does not exist, and for one at a site the user may not see (nothing locked)', async () => {
    expectStatus(await lock(newSubjectId('NONE')), 404);
    const { subject } = await subjectWithData();
    for (const response of [
      await otherSiteDataManager.post(`/edc/patients/${subject}/lock`).send({}),
      await otherSiteDataManager.post(`/edc/patients/${subject}/unlock`).send({ reason: 'not mine' }),
      await otherSiteDataManager.get(`/edc/patients/${subject}/locks`),
    ]) {
      expectStatus(response, 404);
      expect(response.body.message).toBe(`No subject ${subject}`);
    }
    expect(await locksOf(subject)).toEqual([]);

    // Nor can a user of another site lift a lock.
    expectStatus(await lock(subject), 201);
    expectStatus(await otherSiteDataManager.post(`/edc/patients/${subject}/unlock`).send({ reason: 'not mine' }), 404);
    expect(await locksOf(subject)).toEqual([expect.objectContaining({ open: true })]);
  });

  it('refuses an investigator (403): locks are for data managers and admins', async () => {
    const { subject } = await subjectWithData();
    const refused = await investigator.post(`/edc/patients/${subject}/lock`).send({});
    expectStatus(refused, 403);
    expect(refused.body.message).toMatch(/needs one of the roles/);
    expect(await locksOf(subject)).toEqual([]);
  });

  it('places one lock when two data managers lock the same data at once; the other gets 409 naming the holder', async () => {
    const { subject } = await subjectWithData();
    const responses = await Promise.all([lock(subject), lock(subject), lock(subject)]);
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    expect(await locksOf(subject)).toHaveLength(1);
  });

  it('never lets a store-vitals racing a lock of the same subject write after the lock: it committed before, or was refused', async () => {
    const subjects = await Promise.all(Array.from({ length: 20 }, () => subjectWithData()));
    const outcomes = await Promise.all(
      subjects.map(async ({ subject }) => {
        const [locked, stored] = await Promise.all([lock(subject), store(platform.admin, subject, 'Week 4')]);
        return { subject, locked, stored };
      }),
    );
    for (const { subject, locked, stored } of outcomes) {
      expectStatus(locked, 201);
      expect([201, 409]).toContain(stored.status);
      const rows = await platform.database!.admin(
        `SELECT v.created_at < l.locked_at AS before_lock
           FROM vital_signs v JOIN patients p ON p.id = v.patient_id JOIN edc_locks l ON l.patient_id = p.id
          WHERE p.subject_number = $1 AND v.visit_name = 'Week 4'`,
        [subject],
      );
      if (stored.status === 201) {
        expect(rows.rows).toEqual([{ before_lock: true }]);
      } else {
        expect(stored.body.message).toMatch(new RegExp(`^All data of subject ${subject} is locked by ${dataManager.username} since `));
        expect(rows.rows).toEqual([]);
      }
    }
  });
});
