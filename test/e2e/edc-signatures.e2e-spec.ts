import { randomBytes } from 'node:crypto';
import request, { type Response } from 'supertest';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { adverseEvent } from '../support/adverse-event-fixtures.js';

const unique = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
const DEFAULT_MEANING = 'I approve the data as complete and accurate';
const PASSWORD_MISMATCH = 'The password does not match; nothing was signed';

/** The status, with the body's message beside it so that a failure shows what the platform said. */
function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

interface Signer {
  id: string;
  username: string;
  password: string;
  client: Client;
}

describe.each(['all-in-one', 'split'] as const)('EDC e-signatures (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let investigator: Signer;
  let otherSiteInvestigator: Signer;
  let unnamedInvestigator: Signer;
  let dataManager: Client;

  /** No sites named: a user of every site. */
  async function user(prefix: string, roles: string[], sites: string[], fullName?: string): Promise<Signer> {
    const username = unique(prefix);
    const created = await createUser(platform.baseUrl, platform.admin, { username, roles, ...(sites.length > 0 ? { site_ids: sites } : {}) });
    if (fullName) await platform.admin.patch(`/security/users/${created.id}`).send({ full_name: fullName }).expect(200);
    return { id: created.id, username, password: created.password, client: created.client };
  }

  beforeAll(async () => {
    platform = await startPlatform(mode);
    investigator = await user('inv-s01', ['investigator'], ['S01'], 'Dr. Ada Lovelace');
    otherSiteInvestigator = await user('inv-s02', ['investigator'], ['S02'], 'Dr. Grace Hopper');
    unnamedInvestigator = await user('inv-noname', ['investigator'], ['S01']);
    dataManager = (await user('dm', ['data_manager'], [])).client;
  });
  afterAll(() => platform?.close());

  /** A subject at site S01 with one Screening record. */
  async function subjectWithData(): Promise<{ subject: string; patientId: string; vitalId: string }> {
    const subject = newSubjectId('SG');
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01' })] }).expect(201);
    const vitals = await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200);
    return { subject, patientId: vitals.body.patient_id, vitalId: vitals.body.vitals[0].id };
  }

  const sign = (signer: Signer, subject: string, body: Record<string, unknown> = { password: signer.password }) =>
    signer.client.post(`/edc/patients/${subject}/signatures`).send(body);
  const signaturesOf = async (subject: string) =>
    (await platform.admin.get(`/edc/patients/${subject}/signatures`).expect(200)).body.signatures as Array<Record<string, unknown>>;
  const auditOf = async (patientId: string, action: string) =>
    (await platform.admin.get('/security/audit/events').query({ entityType: 'patient', entityId: patientId, action }).expect(200)).body.data as Array<
      Record<string, unknown>
    >;

  it("signs with the signer's printed name, the meaning and the time; listed as valid and audited", async () => {
    const { subject, patientId } = await subjectWithData();
    const signed = await sign(investigator, subject);
    expectStatus(signed, 201);
    expect(signed.body).toEqual({
      id: expect.any(String),
      subject_id: subject,
      protocol_id: 'DEFAULT',
      signer_id: investigator.id,
      signer_username: investigator.username,
      signer_full_name: 'Dr. Ada Lovelace',
      meaning: DEFAULT_MEANING,
      signed_at: expect.any(String),
      valid: true,
      invalidated_at: null,
      invalidated_by: null,
    });
    expect(JSON.stringify(signed.body)).not.toContain(investigator.password);

    const reviewed = await sign(investigator, subject, { password: investigator.password, meaning: 'I have reviewed the Week 4 data' });
    expectStatus(reviewed, 201);
    expect(reviewed.body.meaning).toBe('I have reviewed the Week 4 data');

    const listed = await dataManager.get(`/edc/patients/${subject}/signatures`).expect(200);
    expect(listed.body).toEqual(expect.objectContaining({ subject_id: subject, patient_id: patientId, site_id: 'S01' }));
    expect(listed.body.signatures).toEqual([
      expect.objectContaining({ id: signed.body.id, valid: true, signed_at: signed.body.signed_at }),
      expect.objectContaining({ id: reviewed.body.id, valid: true }),
    ]);

    const events = await auditOf(patientId, 'sign');
    expect(events).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({
        username: investigator.username,
        subject,
        changes: expect.objectContaining({ signature_id: { old: null, new: signed.body.id }, signer_full_name: { old: null, new: 'Dr. Ada Lovelace' } }),
      }),
    );
  });

  it('refuses a wrong password with 403: nothing is signed, and the refusal is audited', async () => {
    const { subject, patientId } = await subjectWithData();
    const refused = await sign(investigator, subject, { password: 'not-my-password-1' });
    expectStatus(refused, 403);
    expect(refused.body.message).toBe(PASSWORD_MISMATCH);
    expect(await signaturesOf(subject)).toEqual([]);
    expect(await auditOf(patientId, 'signature_refused')).toEqual([
      expect.objectContaining({ username: investigator.username, subject, reason: 'the password did not match' }),
    ]);
    expect(await auditOf(patientId, 'sign')).toEqual([]);
  });

  it('counts wrong signing passwords toward the sign-in lock (one count per account): past it, both are refused with 429 until an admin unlocks', async () => {
    const signer = await user('inv-guess', ['investigator'], ['S01'], 'Dr. Guess');
    const { subject } = await subjectWithData();
    const signIn = (password: string) => request(platform.baseUrl).post('/security/auth/login').send({ username: signer.username, password });
    // LOGIN_MAX_FAILURES is 5: three wrong signatures and two wrong sign-ins use them up.
    for (let n = 0; n < 3; n += 1) expectStatus(await sign(signer, subject, { password: `wrong-guess-${n}-x` }), 403);
    for (let n = 0; n < 2; n += 1) expectStatus(await signIn(`wrong-guess-${n}-y`), 401);
    expectStatus(await signIn(signer.password), 429);
    const locked = await sign(signer, subject);
    expectStatus(locked, 429);
    expect(locked.body.message).toMatch(/^Too many failed password attempts; sign-in and signing are locked for \d+ minute\(s\), or until an admin unlocks the account$/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await signaturesOf(subject)).toEqual([]);

    await platform.admin.post(`/security/users/${signer.id}/unlock`).expect(204);
    expectStatus(await sign(signer, subject), 201);
    expectStatus(await signIn(signer.password), 200);
  });

  it('checks no more passwords than the limit when wrong signatures arrive at the same time', async () => {
    const signer = await user('inv-burst', ['investigator'], ['S01'], 'Dr. Burst');
    const { subject } = await subjectWithData();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, n) => sign(signer, subject, { password: `parallel-guess-${n}` })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status !== 403 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 403).length).toBeLessThanOrEqual(5);
  });

  it('refuses a signer without a full name (409: the printed name is part of the signature); nothing is signed', async () => {
    const { subject } = await subjectWithData();
    const refused = await sign(unnamedInvestigator, subject);
    expectStatus(refused, 409);
    expect(refused.body.message).toMatch(/no full name.*ask an admin to set it/);
    expect(await signaturesOf(subject)).toEqual([]);
  });

  it('refuses a data manager (403: signing is for investigators); nothing is signed', async () => {
    const { subject } = await subjectWithData();
    const refused = await dataManager.post(`/edc/patients/${subject}/signatures`).send({ password: 'correct-horse-battery-9' });
    expectStatus(refused, 403);
    expect(refused.body.message).toMatch(/needs one of the roles investigator; you have data_manager/);
    expect(await signaturesOf(subject)).toEqual([]);
  });

  it("answers an investigator of another site with 404, like a subject that does not exist, for signing and for reading", async () => {
    const { subject } = await subjectWithData();
    for (const response of [await sign(otherSiteInvestigator, subject), await otherSiteInvestigator.client.get(`/edc/patients/${subject}/signatures`)]) {
      expectStatus(response, 404);
      expect(response.body.message).toBe(`No subject ${subject}`);
    }
    expectStatus(await sign(investigator, newSubjectId('NONE')), 404);
    expect(await signaturesOf(subject)).toEqual([]);
  });

  it.each([
    ['no password', {}],
    ['a password of the wrong type', { password: 12345678 }],
    ['an empty password', { password: '' }],
    ['a blank meaning', { password: 'correct-horse-battery-9', meaning: '   ' }],
    ['an unknown field', { password: 'correct-horse-battery-9', signer: 'someone else' }],
  ])('refuses %s with 400; nothing is signed', async (_case, body) => {
    const { subject } = await subjectWithData();
    expectStatus(await sign(investigator, subject, body), 400);
    expect(await signaturesOf(subject)).toEqual([]);
  });

  it('invalidates the signature when a new record of the subject is stored, naming that change; a later signature stays valid', async () => {
    const { subject } = await subjectWithData();
    const signed = await sign(investigator, subject);
    expectStatus(signed, 201);
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, SiteID: 'S01', VisitName: 'Week 4' })] }).expect(201);
    const week4 = (await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200)).body.vitals.find(
      (vital: { visit_name: string }) => vital.visit_name === 'Week 4',
    );
    const later = await sign(investigator, subject);
    expectStatus(later, 201);

    const [first, second] = await signaturesOf(subject);
    expect(first).toEqual(
      expect.objectContaining({
        id: signed.body.id,
        valid: false,
        invalidated_at: expect.any(String),
        invalidated_by: { entity_type: 'vital_sign', action: 'insert', entity_ids: [week4.id], reason: null, username: 'admin', at: expect.any(String) },
      }),
    );
    expect(Date.parse(first.invalidated_at as string)).toBeGreaterThanOrEqual(Date.parse(signed.body.signed_at));
    expect(second).toEqual(expect.objectContaining({ id: later.body.id, valid: true, invalidated_by: null }));
  });

  it('invalidates the signature when signed data is corrected, naming the correction: record, reason and who', async () => {
    const { subject, vitalId } = await subjectWithData();
    expectStatus(await sign(investigator, subject), 201);
    expectStatus(await platform.admin.patch(`/edc/vitals/${vitalId}`).send({ heart_rate: 75, reason: 'transcription error' }), 200);
    expect(await signaturesOf(subject)).toEqual([
      expect.objectContaining({
        valid: false,
        invalidated_by: { entity_type: 'vital_sign', action: 'correct', entity_ids: [vitalId], reason: 'transcription error', username: 'admin', at: expect.any(String) },
      }),
    ]);
  });

  it('invalidates the signature whatever path changes the data: a correction made in SQL with a reason', async () => {
    const { subject, vitalId } = await subjectWithData();
    expectStatus(await sign(investigator, subject), 201);
    await platform.database!.admin(`
      BEGIN;
      SELECT set_config('ctp.change_reason', 'source document check', true), set_config('ctp.change_action', 'correct', true),
             set_config('ctp.actor', '{"username": "dba"}', true);
      UPDATE vital_signs SET temperature = 37.1 WHERE id = '${vitalId}';
      COMMIT;`);
    const [signature] = await signaturesOf(subject);
    expect(signature).toEqual(
      expect.objectContaining({
        valid: false,
        invalidated_by: { entity_type: 'vital_sign', action: 'correct', entity_ids: [vitalId], reason: 'source document check', username: 'dba', at: expect.any(String) },
      }),
    );
  });

  it('invalidates the signature when an adverse event of the subject is recorded', async () => {
    const { subject } = await subjectWithData();
    expectStatus(await sign(investigator, subject), 201);
    const event = await platform.admin.post(`/edc/patients/${subject}/adverse-events`).send(adverseEvent({ onset_date: '2026-03-01', end_date: null, relationship: 'not_related' }));
    expectStatus(event, 201);
    const [signature] = await signaturesOf(subject);
    expect(signature).toEqual(
      expect.objectContaining({ valid: false, invalidated_by: expect.objectContaining({ entity_type: 'adverse_event', action: 'insert', entity_ids: [event.body.id] }) }),
    );
  });
});
