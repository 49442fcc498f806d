import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Client, createUser } from '../support/auth.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';
import { waitUntil } from '../support/wait.js';

/**
 * Enrolment and the subject's status: numbers from the study's format or as given (unique per
 * study), demographics in controlled terms, a status flow with dates and reasons, corrections with
 * a reason; bad input writes nothing, other sites' users are kept out, every change is audited.
 */

const unique = (prefix: string): string => `${prefix}${randomBytes(3).toString('hex').toUpperCase()}`;

interface StudySetup {
  protocolId: string;
  status?: 'set_up' | 'enrolling' | 'closed';
  format?: string | null;
  allowNewSites?: boolean;
  sites?: Array<{ id: string; active?: boolean }>;
}

/** A study written straight into the database (its own routes belong to the studies feature). */
async function createStudy(platform: PlatformUnderTest, study: StudySetup): Promise<void> {
  const db = platform.database!;
  await db.admin(
    `INSERT INTO studies (protocol_id, title, status, subject_id_format, allow_new_sites, randomization_seed)
     VALUES ($1, $2, $3, $4, $5, 'subjects-e2e-seed')`,
    [study.protocolId, `Study ${study.protocolId}`, study.status ?? 'enrolling', study.format ?? null, study.allowNewSites ?? false],
  );
  for (const site of study.sites ?? []) {
    await db.admin(`INSERT INTO study_sites (protocol_id, site_id, active) VALUES ($1, $2, $3)`, [study.protocolId, site.id, site.active ?? true]);
  }
  await db.admin(`INSERT INTO study_arms (protocol_id, arm_code, allocation_ratio, display_order) VALUES ($1, 'Active', 1, 1), ($1, 'Placebo', 1, 2)`, [
    study.protocolId,
  ]);
}

const DEMOGRAPHICS = { sex: 'F', birth_year: 1961, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 168, weight_kg: 72.4 };

const enrolment = (overrides: Record<string, unknown> = {}) => ({ site_id: 'S01', consent_date: '2026-01-05', demographics: DEMOGRAPHICS, ...overrides });

interface AuditEvent {
  action: string;
  username: string | null;
  reason: string | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

describe.each<Mode>(['all-in-one', 'split'])('subjects: enrolment and status (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let atS02: Client;
  let today: string;
  let tomorrow: string;

  const enrol = (protocolId: string, body: object, client: Client = platform.admin) => client.post(`/edc/studies/${protocolId}/subjects`).send(body);
  const subjectsOf = async (protocolId: string): Promise<string[]> =>
    (await platform.database!.admin(`SELECT subject_number FROM patients WHERE protocol_id = $1 ORDER BY subject_number`, [protocolId])).rows.map(
      (row: { subject_number: string }) => row.subject_number,
    );
  const eventsOf = async (entityId: string, action?: string): Promise<AuditEvent[]> =>
    (await platform.admin.get('/security/audit/events').query({ entityType: 'patient', entityId, ...(action ? { action } : {}) }).expect(200)).body.data;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    atS02 = (await createUser(platform.baseUrl, platform.admin, { username: unique('inv.s02.').toLowerCase(), roles: ['investigator'], site_ids: ['S02'] })).client;
    ({ today, tomorrow } = (await platform.database!.admin(`SELECT current_date::text AS today, (current_date + 1)::text AS tomorrow`)).rows[0]);
  });
  afterAll(() => platform?.close());

  describe('enrolment', () => {
    it("numbers subjects from the default study's format (RA001-{seq:3}), screened unless enrolled at once, and audits each", async () => {
      const first = await enrol('DEFAULT', enrolment()).expect(201);
      expect(first.body).toMatchObject({
        subject_id: 'RA001-001',
        protocol_id: 'DEFAULT',
        site_id: 'S01',
        treatment_arm: null,
        status: 'screened',
        status_date: null,
        enrollment_date: null,
        consent_date: '2026-01-05',
        randomized_by_platform: false,
        randomized_at: null,
        demographics: DEMOGRAPHICS,
      });
      const second = await enrol('DEFAULT', enrolment({ enrol: true })).expect(201);
      expect(second.body).toMatchObject({ subject_id: 'RA001-002', status: 'enrolled', enrollment_date: today });

      const [created] = await eventsOf(first.body.id, 'create');
      expect(created).toMatchObject({ action: 'create', username: 'admin' });
      expect(created.changes).toMatchObject({
        subject_number: { old: null, new: 'RA001-001' },
        site_id: { old: null, new: 'S01' },
        status: { old: null, new: 'screened' },
        consent_date: { old: null, new: '2026-01-05' },
        demographics: { old: null, new: DEMOGRAPHICS },
      });
      const read = await platform.admin.get('/edc/patients/RA001-002').expect(200);
      expect(read.body).toMatchObject({ status: 'enrolled', consent_date: '2026-01-05', demographics: DEMOGRAPHICS });
    });

    it('gives parallel enrolments distinct, consecutive numbers', async () => {
      const protocolId = unique('PAR');
      await createStudy(platform, { protocolId, format: `${protocolId}-{seq:3}`, sites: [{ id: 'S01' }] });
      const answers = await Promise.all(Array.from({ length: 12 }, () => enrol(protocolId, enrolment())));
      expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(201));
      const numbers = answers.map((answer) => answer.body.subject_id as string).sort();
      expect(numbers).toEqual(Array.from({ length: 12 }, (_, index) => `${protocolId}-${String(index + 1).padStart(3, '0')}`));
    });

    it('counts per site when the format names the site', async () => {
      const protocolId = unique('SITE');
      await createStudy(platform, { protocolId, format: '{site}-{seq:4}', sites: [{ id: 'S01' }, { id: 'S02' }] });
      const numbers: string[] = [];
      for (const site_id of ['S01', 'S02', 'S01', 'S02', 'S01']) numbers.push((await enrol(protocolId, enrolment({ site_id })).expect(201)).body.subject_id);
      expect(numbers).toEqual(['S01-0001', 'S02-0001', 'S01-0002', 'S02-0002', 'S01-0003']);
    });

    it('takes a number as given, refuses it a second time in the study (409 naming it), and numbers on above it', async () => {
      const protocolId = unique('EXP');
      await createStudy(platform, { protocolId, format: 'E-{seq:3}', sites: [{ id: 'S01' }] });
      await enrol(protocolId, enrolment({ subject_id: 'E-041' })).expect(201);
      const again = await enrol(protocolId, enrolment({ subject_id: 'E-041', consent_date: '2026-01-06' })).expect(409);
      expect(again.body.message).toContain('E-041');
      expect(again.body.message).toContain(protocolId);
      expect((await enrol(protocolId, enrolment()).expect(201)).body.subject_id).toBe('E-042');
      // The same number in another study is another subject.
      const other = unique('OTH');
      await createStudy(platform, { protocolId: other, sites: [{ id: 'S01' }] });
      await enrol(other, enrolment({ subject_id: 'E-041' })).expect(201);
      expect(await subjectsOf(protocolId)).toEqual(['E-041', 'E-042']);
    });

    it('needs subject_id in a study without a format', async () => {
      const protocolId = unique('NOF');
      await createStudy(platform, { protocolId, sites: [{ id: 'S01' }] });
      const refused = await enrol(protocolId, enrolment()).expect(400);
      expect(refused.body.details).toEqual([{ field: 'subject_id', problems: [expect.stringContaining('subject_id_format')] }]);
      expect(await subjectsOf(protocolId)).toEqual([]);
    });

    it('refuses bad input with 400 naming the field, writing nothing', async () => {
      const protocolId = unique('BAD');
      await createStudy(platform, { protocolId, sites: [{ id: 'S01' }] });
      const body = (overrides: Record<string, unknown>, demographics: Record<string, unknown> = {}) =>
        enrolment({ subject_id: 'B-1', demographics: { ...DEMOGRAPHICS, ...demographics }, ...overrides });
      const withoutDemographic = (field: string) => {
        const demographics: Record<string, unknown> = { ...DEMOGRAPHICS };
        delete demographics[field];
        return enrolment({ subject_id: 'B-1', demographics });
      };
      const cases: Array<[string, object, string, RegExp]> = [
        ['no site', { subject_id: 'B-1', consent_date: '2026-01-05', demographics: DEMOGRAPHICS }, 'site_id', /required/],
        ['no consent date', { subject_id: 'B-1', site_id: 'S01', demographics: DEMOGRAPHICS }, 'consent_date', /required/],
        ['consent in the future', body({ consent_date: '2999-01-01' }), 'consent_date', /not in the future/],
        ['consent not a date', body({ consent_date: '2026-02-30' }), 'consent_date', /real date/],
        ['no demographics', { subject_id: 'B-1', site_id: 'S01', consent_date: '2026-01-05' }, 'demographics', /required/],
        ['demographics not an object', body({ demographics: 'female' }), 'demographics', /./],
        ['sex outside the terms', body({}, { sex: 'female' }), 'demographics.sex', /one of: F, M, U/],
        ['no sex', withoutDemographic('sex'), 'demographics.sex', /required/],
        ['race outside the terms', body({}, { race: 'Caucasian' }), 'demographics.race', /one of: AMERICAN INDIAN OR ALASKA NATIVE, ASIAN, .*WHITE/],
        ['ethnicity outside the terms', body({}, { ethnicity: 'latino' }), 'demographics.ethnicity', /one of: HISPANIC OR LATINO, NOT HISPANIC OR LATINO/],
        ['both birth year and age', body({}, { age: 64 }), 'demographics.age', /not both/],
        ['neither birth year nor age', withoutDemographic('birth_year'), 'demographics.birth_year', /birth_year or age/],
        ['age not plausible', { ...withoutDemographic('birth_year'), demographics: { ...DEMOGRAPHICS, birth_year: undefined, age: 150 } }, 'demographics.age', /120/],
        ['born after consent', body({}, { birth_year: 2027 }), 'demographics.birth_year', /after the consent date/],
        ['height not plausible', body({}, { height_cm: 400 }), 'demographics.height_cm', /250/],
        ['weight as text', body({}, { weight_kg: 'heavy' }), 'demographics.weight_kg', /number/],
        ['weight with two decimals', body({}, { weight_kg: 72.45 }), 'demographics.weight_kg', /one decimal/],
        ['birth year as text', body({}, { birth_year: '1961' }), 'demographics.birth_year', /integer/],
        ['subject id with spaces', body({ subject_id: 'B 1' }), 'subject_id', /letters, digits/],
        ['enrol not a boolean', body({ enrol: 'yes' }), 'enrol', /boolean/],
        ['unknown field', body({ arm: 'Active' }), 'arm', /should not exist/],
        ['unknown demographic', body({}, { eye_colour: 'blue' }), 'demographics.eye_colour', /should not exist/],
      ];
      for (const [name, payload, field, problem] of cases) {
        const response = await enrol(protocolId, payload);
        expect({ name, status: response.status }).toEqual({ name, status: 400 });
        const detail = (response.body.details as Array<{ field: string; problems: string[] }>).find((candidate) => candidate.field === field);
        expect({ name, field, problems: detail?.problems.join('; ') }).toEqual({ name, field, problems: expect.stringMatching(problem) });
      }
      expect((await platform.admin.post(`/edc/studies/${protocolId}/subjects`).set('Content-Type', 'application/json').send('{"site_id":')).status).toBe(400);
      expect((await enrol('bad!protocol', enrolment())).status).toBe(400);
      expect(await subjectsOf(protocolId)).toEqual([]);
    });

    it('enrols only in an enrolling study (409), at an active site of it (400 naming the allowed ones, 409 for a closed one)', async () => {
      const setUp = unique('SETUP');
      await createStudy(platform, { protocolId: setUp, status: 'set_up', sites: [{ id: 'S01' }] });
      const notEnrolling = await enrol(setUp, enrolment({ subject_id: 'N-1' })).expect(409);
      expect(notEnrolling.body.message).toContain('set_up');
      await enrol(unique('NONE'), enrolment({ subject_id: 'N-1' })).expect(404);

      const strict = unique('STRICT');
      await createStudy(platform, { protocolId: strict, sites: [{ id: 'S01' }, { id: 'S03', active: false }] });
      const unknownSite = await enrol(strict, enrolment({ subject_id: 'N-2', site_id: 'S09' })).expect(400);
      expect(unknownSite.body.details).toEqual([{ field: 'site_id', problems: [expect.stringContaining('allowed: S01')] }]);
      expect((await enrol(strict, enrolment({ subject_id: 'N-3', site_id: 'S03' })).expect(409)).body.message).toMatch(/S03.*closed/);
      expect(await subjectsOf(setUp)).toEqual([]);
      expect(await subjectsOf(strict)).toEqual([]);
    });

    it('adds a new site to a study that takes new sites, audited', async () => {
      const protocolId = unique('OPEN');
      await createStudy(platform, { protocolId, allowNewSites: true, sites: [{ id: 'S01' }] });
      await enrol(protocolId, enrolment({ subject_id: 'O-1', site_id: 'S07' })).expect(201);
      const sites = await platform.database!.admin(`SELECT site_id FROM study_sites WHERE protocol_id = $1 ORDER BY site_id`, [protocolId]);
      expect(sites.rows.map((row: { site_id: string }) => row.site_id)).toEqual(['S01', 'S07']);
      const events = await platform.admin.get('/security/audit/events').query({ entityType: 'study', entityId: protocolId, action: 'add_sites' }).expect(200);
      expect(events.body.data).toEqual([expect.objectContaining({ changes: { sites: { old: null, new: ['S07'] } } })]);
    });

    it("lets a site-limited user enrol only at their sites (403 elsewhere, nothing written)", async () => {
      const protocolId = unique('SCOPE');
      await createStudy(platform, { protocolId, sites: [{ id: 'S01' }, { id: 'S02' }] });
      const refused = await enrol(protocolId, enrolment({ subject_id: 'L-1', site_id: 'S01' }), atS02).expect(403);
      expect(refused.body.message).toContain('S02');
      expect((await enrol(protocolId, enrolment({ subject_id: 'L-2', site_id: 'S02' }), atS02).expect(201)).body.site_id).toBe('S02');
      expect(await subjectsOf(protocolId)).toEqual(['L-2']);
    });

    it("names only the user's own sites as the allowed ones when refusing a site that is not the study's", async () => {
      const protocolId = unique('HIDDEN');
      await createStudy(platform, { protocolId, sites: [{ id: 'S01' }, { id: 'S03' }, { id: 'S05' }] });
      const limited = (await createUser(platform.baseUrl, platform.admin, { username: unique('inv.s05.').toLowerCase(), roles: ['investigator'], site_ids: ['S05', 'S08'] })).client;
      const refused = await enrol(protocolId, enrolment({ subject_id: 'H-1', site_id: 'S08' }), limited).expect(400);
      expect(refused.body.details).toEqual([{ field: 'site_id', problems: [expect.stringContaining('(allowed: S05)')] }]);
      expect(JSON.stringify(refused.body)).not.toMatch(/S01|S03/);
      expect(await subjectsOf(protocolId)).toEqual([]);
    });
  });

  describe('enrolment against a study changed meanwhile', () => {
    /** Whether a session of this platform's database waits for an `advisory` lock, or for another (a row's). */
    const waiting = async (db: pg.Client, advisory: boolean): Promise<boolean> =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND (wait_event = 'advisory') = $1`,
          [advisory],
        )
      ).rows[0].n > 0;

    it('holds the study while it enrols: closing the study waits for an enrolment in flight, which is not slipped into a closed study', async () => {
      const protocolId = unique('RACE');
      await createStudy(platform, { protocolId, format: 'R-{seq:3}', sites: [{ id: 'S01' }] });
      const holder = new pg.Client({ connectionString: platform.database!.superuserUrl });
      await holder.connect();
      try {
        // The enrolment's numbering waits for this lock, after it has read the study.
        await holder.query('BEGIN');
        await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`subject-sequence:${protocolId}:*`]);
        const enrolling = enrol(protocolId, enrolment()).then((response) => response);
        await waitUntil(() => waiting(holder, true));
        let closed = false;
        const closing = platform.admin
          .patch(`/edc/studies/${protocolId}`)
          .send({ status: 'closed', reason: 'recruitment complete' })
          .then((response) => {
            closed = true;
            return response;
          });
        await waitUntil(async () => closed || (await waiting(holder, false)));
        expect(closed ? `closed (${(await closing).status}) while the enrolment was in flight` : 'waiting').toBe('waiting');
        await holder.query('COMMIT');
        expect((await enrolling).status).toBe(201);
        expect((await closing).status).toBe(200);
      } finally {
        await holder.end();
      }
      expect(await subjectsOf(protocolId)).toEqual(['R-001']);
      await enrol(protocolId, enrolment()).expect(409);
    });
  });

  describe('status', () => {
    let protocolId: string;
    const subject = (n: number) => `${protocolId}-${n}`;
    const status = (subjectId: string, body: object, client: Client = platform.admin) => client.post(`/edc/patients/${subjectId}/status`).send(body);

    beforeAll(async () => {
      protocolId = unique('ST');
      await createStudy(platform, { protocolId, sites: [{ id: 'S01' }] });
      for (const n of [1, 2, 3, 4, 5]) await enrol(protocolId, enrolment({ subject_id: subject(n) })).expect(201);
    });

    it('enrols a screened subject on the date given, with the change audited', async () => {
      const enrolled = await status(subject(1), { status: 'enrolled', date: '2026-01-10' }).expect(200);
      expect(enrolled.body).toMatchObject({ status: 'enrolled', status_date: '2026-01-10', enrollment_date: '2026-01-10', status_reason: null });
      const [event] = await eventsOf(enrolled.body.id, 'status_change');
      expect(event).toMatchObject({ username: 'admin', reason: 'enrolled' });
      expect(event.changes).toMatchObject({ status: { old: 'screened', new: 'enrolled' }, enrollment_date: { old: null, new: '2026-01-10' } });
      expect((await platform.admin.get(`/edc/patients/${subject(1)}`).expect(200)).body.status).toBe('enrolled');
    });

    it('refuses a status that does not follow, naming the current status and the allowed next ones (409)', async () => {
      const completed = await status(subject(1), { status: 'completed' }).expect(409);
      expect(completed.body.message).toBe('The subject is enrolled and cannot become completed: from enrolled a subject may move to randomized, withdrawn');
      const fromScreened = await status(subject(2), { status: 'withdrawn', reason: 'moved away' }).expect(409);
      expect(fromScreened.body.message).toContain('from screened a subject may move to enrolled, screen_failed');
    });

    it('records a screen failure only with a reason, and then the subject is final', async () => {
      const withoutReason = await status(subject(2), { status: 'screen_failed' }).expect(400);
      expect(withoutReason.body.details).toEqual([{ field: 'reason', problems: [expect.stringContaining('required')] }]);
      const failed = await status(subject(2), { status: 'screen_failed', reason: 'eGFR below 30 at screening' }).expect(200);
      expect(failed.body).toMatchObject({ status: 'screen_failed', status_reason: 'eGFR below 30 at screening', status_date: today });
      expect((await status(subject(2), { status: 'enrolled' }).expect(409)).body.message).toContain('screen_failed is final');
      const [event] = await eventsOf(failed.body.id, 'status_change');
      expect(event.reason).toBe('eGFR below 30 at screening');
    });

    it('withdraws an enrolled subject with a reason', async () => {
      await status(subject(3), { status: 'enrolled', date: '2026-01-12' }).expect(200);
      await status(subject(3), { status: 'withdrawn' }).expect(400);
      const withdrawn = await status(subject(3), { status: 'withdrawn', date: '2026-02-01', reason: 'withdrew consent' }).expect(200);
      expect(withdrawn.body).toMatchObject({ status: 'withdrawn', status_date: '2026-02-01', status_reason: 'withdrew consent', enrollment_date: '2026-01-12' });
    });

    it('refuses dates in the future or before consent or the current status, and statuses only randomization gives (400, nothing changed)', async () => {
      const cases: Array<[object, string]> = [
        [{ status: 'enrolled', date: '2999-01-01' }, 'date'],
        [{ status: 'enrolled', date: '2026-01-01' }, 'date'],
        [{ status: 'enrolled', date: '01/02/2026' }, 'date'],
        [{ status: 'randomized' }, 'status'],
        [{ status: 'lost' }, 'status'],
        [{}, 'status'],
        [{ status: 'enrolled', reason: '   ' }, 'reason'],
        [{ status: 'enrolled', note: 'x' }, 'note'],
      ];
      for (const [body, field] of cases) {
        const response = await status(subject(4), body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect({ body, fields: response.body.details.map((detail: { field: string }) => detail.field) }).toEqual({ body, fields: expect.arrayContaining([field]) });
      }
      expect((await status(subject(4), { status: 'enrolled', date: '2026-01-01' })).body.message).toContain('consent date (2026-01-05)');
      expect((await status(subject(4), { status: 'randomized' })).body.message).toContain('randomize');
      expect((await platform.admin.get(`/edc/patients/${subject(4)}`).expect(200)).body).toMatchObject({ status: 'screened', enrollment_date: null });
    });

    it('enrols and randomizes only while the study is enrolling (409), and still lets subjects complete or withdraw', async () => {
      const closing = unique('CLS');
      await createStudy(platform, { protocolId: closing, sites: [{ id: 'S01' }] });
      for (const n of [1, 2, 3]) await enrol(closing, enrolment({ subject_id: `${closing}-${n}`, enrol: n > 1 })).expect(201);
      await platform.admin.post(`/edc/patients/${closing}-3/randomize`).expect(200);
      await platform.database!.admin(`UPDATE studies SET status = 'closed' WHERE protocol_id = $1`, [closing]);
      expect((await status(`${closing}-1`, { status: 'enrolled' }).expect(409)).body.message).toContain('closed');
      expect((await platform.admin.post(`/edc/patients/${closing}-2/randomize`).expect(409)).body.message).toContain('closed');
      await status(`${closing}-2`, { status: 'withdrawn', reason: 'study closed early' }).expect(200);
      await status(`${closing}-3`, { status: 'completed' }).expect(200);
    });

    it("lets a subject captured with an arm by store-vitals complete or withdraw, and keeps it not randomized by the platform", async () => {
      const captured = newSubjectId('CAP');
      await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: captured, SiteID: 'S01' })] }).expect(201);
      const before = await platform.admin.get(`/edc/patients/${captured}`).expect(200);
      expect(before.body).toMatchObject({ status: 'enrolled', treatment_arm: 'Active', randomized_by_platform: false, randomized_at: null });
      const completed = await status(captured, { status: 'completed' }).expect(200);
      expect(completed.body).toMatchObject({ status: 'completed', treatment_arm: 'Active', randomized_by_platform: false });
    });

    it("answers another site's user with 404 for the subject, changing nothing", async () => {
      const response = await status(subject(5), { status: 'enrolled' }, atS02).expect(404);
      expect(response.body.message).toBe((await status('NO-SUCH-SUBJECT', { status: 'enrolled' }, atS02)).body.message.replace('NO-SUCH-SUBJECT', subject(5)));
      await atS02.patch(`/edc/patients/${subject(5)}`).send({ reason: 'r', consent_date: '2026-01-04' }).expect(404);
      expect((await platform.admin.get(`/edc/patients/${subject(5)}`).expect(200)).body).toMatchObject({ status: 'screened', consent_date: '2026-01-05' });
    });
  });

  it('refuses status changes, corrections and randomization of locked data with 409 naming who locked it, and takes them once unlocked', async () => {
    const protocolId = unique('LCK');
    await createStudy(platform, { protocolId, sites: [{ id: 'S01' }] });
    const subjectId = `${protocolId}-1`;
    await enrol(protocolId, enrolment({ subject_id: subjectId, enrol: true })).expect(201);
    await platform.admin.post(`/edc/patients/${subjectId}/lock`).send({ reason: 'interim analysis' }).expect(201);
    const attempts = [
      () => platform.admin.post(`/edc/patients/${subjectId}/status`).send({ status: 'withdrawn', reason: 'moved away' }),
      () => platform.admin.patch(`/edc/patients/${subjectId}`).send({ reason: 'typo', demographics: { weight_kg: 70 } }),
      () => platform.admin.post(`/edc/patients/${subjectId}/randomize`),
    ];
    for (const attempt of attempts) {
      const refused = await attempt();
      expect({ status: refused.status, message: refused.body.message }).toEqual({ status: 409, message: expect.stringMatching(/locked by admin/) });
    }
    expect((await platform.admin.get(`/edc/patients/${subjectId}`).expect(200)).body).toMatchObject({ status: 'enrolled', treatment_arm: null, demographics: DEMOGRAPHICS });
    await platform.admin.post(`/edc/patients/${subjectId}/unlock`).send({ reason: 'analysis done' }).expect(200);
    expect((await platform.admin.post(`/edc/patients/${subjectId}/randomize`).expect(200)).body.treatment_arm).toMatch(/^(Active|Placebo)$/);
  });

  describe('corrections', () => {
    let subjectId: string;
    let patientId: string;

    beforeAll(async () => {
      const protocolId = unique('COR');
      await createStudy(platform, { protocolId, sites: [{ id: 'S01' }] });
      subjectId = `${protocolId}-1`;
      patientId = (await enrol(protocolId, enrolment({ subject_id: subjectId, enrol: true })).expect(201)).body.id;
    });

    it('needs a reason (400 without one, nothing changed)', async () => {
      const refused = await platform.admin.patch(`/edc/patients/${subjectId}`).send({ demographics: { weight_kg: 80 } }).expect(400);
      expect(refused.body.details).toEqual([{ field: 'reason', problems: ['is required'] }]);
      await platform.admin.patch(`/edc/patients/${subjectId}`).send({ reason: '', demographics: { weight_kg: 80 } }).expect(400);
      await platform.admin.patch(`/edc/patients/${subjectId}`).send({ reason: 'nothing given' }).expect(400);
      expect((await platform.admin.get(`/edc/patients/${subjectId}`).expect(200)).body.demographics.weight_kg).toBe(72.4);
    });

    it('corrects demographics and the consent date, recording old and new values, who and why', async () => {
      const corrected = await platform.admin
        .patch(`/edc/patients/${subjectId}`)
        .send({ reason: 'transcription error', consent_date: '2026-01-04', demographics: { weight_kg: 74.2, age: 64, race: null } })
        .expect(200);
      const expected = { sex: 'F', age: 64, ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 168, weight_kg: 74.2 };
      expect(corrected.body).toMatchObject({ consent_date: '2026-01-04', demographics: expected });
      expect((await platform.admin.get(`/edc/patients/${subjectId}`).expect(200)).body.demographics).toEqual(expected);
      const [event] = await eventsOf(patientId, 'correct');
      expect(event).toMatchObject({ username: 'admin', reason: 'transcription error' });
      expect(event.changes).toMatchObject({ consent_date: { old: '2026-01-05', new: '2026-01-04' }, demographics: { old: DEMOGRAPHICS, new: expected } });
    });

    it('refuses a consent date after enrolment, a cleared sex and implausible values (400, nothing changed)', async () => {
      for (const body of [
        { reason: 'r', consent_date: '2999-01-01' },
        { reason: 'r', consent_date: tomorrow },
        { reason: 'r', demographics: { sex: null } },
        { reason: 'r', demographics: { age: null } },
        { reason: 'r', demographics: { weight_kg: 0 } },
        { reason: 'r', demographics: { race: 'white' } },
        { reason: 'r', status: 'completed' },
        { reason: 'r', consent_date: '2026-01-04', demographics: { weight_kg: 74.2 } },
        { reason: 'x'.repeat(2001), demographics: { weight_kg: 75 } },
      ]) {
        const response = await platform.admin.patch(`/edc/patients/${subjectId}`).send(body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
      }
      expect((await platform.admin.get(`/edc/patients/${subjectId}`).expect(200)).body).toMatchObject({ consent_date: '2026-01-04', demographics: { sex: 'F', age: 64 } });
    });
  });
});
