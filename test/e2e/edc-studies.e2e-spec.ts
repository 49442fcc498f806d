import pg from 'pg';
import request from 'supertest';
import { type Client, createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Study set-up through the gateway: a data manager creates a study with its sites, arms, visit
 * schedule and randomization settings, changes it, and the platform holds captured records to it.
 * Every change is in the audit trail with who and why; the randomization seed is never shown.
 */

interface ErrorBody {
  message: string;
  details?: Array<{ field: string; problems: string[] }>;
}

interface AuditEvent {
  action: string;
  username: string | null;
  entity_id: string | null;
  reason: string | null;
  changes: Record<string, { old: unknown; new: unknown }> | null;
}

const SEED = 'a-secret-seed-nobody-may-see-42';

const newProtocolId = (): string => newSubjectId('ST');

/** A study with everything set, closed to unknown sites, visits and arms. */
function fullStudy(protocolId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    protocol_id: protocolId,
    title: 'Rheumatoid arthritis, phase II',
    baseline_visit: 'Day 1',
    subject_id_format: '{site}-{seq:4}',
    randomization: { block_sizes: [4, 6], stratification_factors: ['site', 'sex'], seed: SEED },
    sites: [
      { site_id: 'S01', name: 'Oslo' },
      { site_id: 'S02', name: 'Bergen' },
    ],
    arms: [
      { arm_code: 'Active', description: 'Active treatment', allocation_ratio: 1 },
      { arm_code: 'Placebo', description: 'Placebo', allocation_ratio: 1 },
    ],
    schedule: [
      { visit_name: 'Screening', planned_day: -1, window_before: 13, window_after: 0, required: true },
      { visit_name: 'Day 1', planned_day: 1 },
      { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3, required: false },
    ],
    ...overrides,
  };
}

const fieldsOf = (body: ErrorBody): string[] => (body.details ?? []).map((detail) => detail.field);

describe.each(['all-in-one', 'split'] as const)('study set-up (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let admin: Client;
  let manager: Client;
  let managerOfS02: Client;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    admin = platform.admin;
    manager = (await createUser(platform.baseUrl, admin, { username: newSubjectId('dm'), roles: ['data_manager'] })).client;
    managerOfS02 = (await createUser(platform.baseUrl, admin, { username: newSubjectId('dm-s02'), roles: ['data_manager'], site_ids: ['S02'] })).client;
  });
  afterAll(() => platform?.close());

  async function createStudy(body: Record<string, unknown>, client: Client = manager): Promise<Record<string, unknown>> {
    const response = await client.post('/edc/studies').send(body);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body as Record<string, unknown>;
  }

  async function auditOf(protocolId: string, action?: string): Promise<AuditEvent[]> {
    const response = await admin.get('/security/audit/events').query({ entityType: 'study', entityId: protocolId, ...(action ? { action } : {}), limit: 500 });
    expect(response.status).toBe(200);
    return response.body.data as AuditEvent[];
  }

  async function withDatabase<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
    const db = new pg.Client({ connectionString: platform.database!.superuserUrl });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  }

  it('has the default study from the first start, with the design\'s visits and arms, open to any site, visit and arm', async () => {
    const response = await admin.get('/edc/studies/DEFAULT').expect(200);
    expect(response.body).toMatchObject({
      protocol_id: 'DEFAULT',
      status: 'enrolling',
      baseline_visit: 'Day 1',
      subject_id_format: 'RA001-{seq:3}',
      allow_new_sites: true,
      allow_unscheduled_visits: true,
      allow_unlisted_arms: true,
      randomization: { block_sizes: [4, 6], stratification_factors: ['site'], seed_set: true, started: false },
      arms: [
        { arm_code: 'Active', allocation_ratio: 1 },
        { arm_code: 'Placebo', allocation_ratio: 1 },
      ],
      schedule: [
        { visit_name: 'Screening', planned_day: -1, window_before: 13, window_after: 0, required: true },
        { visit_name: 'Day 1', planned_day: 1, window_before: 0, window_after: 0 },
        { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3 },
        { visit_name: 'Week 12', planned_day: 84, window_before: 7, window_after: 7 },
      ],
    });
    expect(Object.keys(response.body.randomization).sort()).toEqual(['block_sizes', 'seed_set', 'started', 'stratification_factors']);
    const events = await auditOf('DEFAULT', 'create');
    expect(events).toHaveLength(1);
    expect(events[0].reason).toBe('the default study, created at first start');
  });

  it('creates a study with its sites, arms, schedule and randomization settings, never showing the seed, and audits it', async () => {
    const protocolId = newProtocolId();
    const created = await createStudy(fullStudy(protocolId));
    expect(created).toMatchObject({
      protocol_id: protocolId,
      status: 'set_up',
      baseline_visit: 'Day 1',
      subject_id_format: '{site}-{seq:4}',
      allow_new_sites: false,
      allow_unscheduled_visits: false,
      allow_unlisted_arms: false,
      randomization: { block_sizes: [4, 6], stratification_factors: ['site', 'sex'], seed_set: true, started: false },
      sites: [
        { site_id: 'S01', name: 'Oslo', active: true },
        { site_id: 'S02', name: 'Bergen', active: true },
      ],
      arms: [
        { arm_code: 'Active', description: 'Active treatment', allocation_ratio: 1 },
        { arm_code: 'Placebo', description: 'Placebo', allocation_ratio: 1 },
      ],
      schedule: [
        { visit_name: 'Screening', planned_day: -1, window_before: 13, window_after: 0, required: true },
        { visit_name: 'Day 1', planned_day: 1, window_before: 0, window_after: 0, required: true },
        { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3, required: false },
      ],
    });
    const read = await admin.get(`/edc/studies/${protocolId}`).expect(200);
    expect(read.body).toEqual(created);
    const listed = await admin.get('/edc/studies').query({ limit: 500 }).expect(200);
    expect(listed.body.data.map((study: { protocol_id: string }) => study.protocol_id)).toEqual(expect.arrayContaining(['DEFAULT', protocolId]));
    expect(listed.body.page).toMatchObject({ limit: 500, offset: 0, total: listed.body.data.length });

    const [event] = await auditOf(protocolId, 'create');
    expect(event).toMatchObject({ action: 'create', entity_id: protocolId, changes: { title: { old: null, new: 'Rheumatoid arthritis, phase II' }, randomization_seed: { old: null, new: '(changed)' } } });
    expect(event.username).toMatch(/^dm-/);
    for (const shown of [created, read.body, listed.body, await auditOf(protocolId)]) expect(JSON.stringify(shown)).not.toContain(SEED);
    const stored = await withDatabase(async (db) => (await db.query('SELECT randomization_seed FROM studies WHERE protocol_id = $1', [protocolId])).rows[0]);
    expect(stored.randomization_seed).toBe(SEED);
  });

  it('shows the block sizes and strata only to users who set up studies (allocation concealment)', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    for (const role of ['investigator', 'monitor', 'statistician', 'agent'] as const) {
      const reader = (await createUser(platform.baseUrl, admin, { username: newSubjectId(role.slice(0, 3)), roles: [role] })).client;
      const one = await reader.get(`/edc/studies/${protocolId}`).expect(200);
      expect({ role, randomization: one.body.randomization }).toEqual({ role, randomization: { seed_set: true, started: false } });
      const listed = await reader.get('/edc/studies').query({ limit: 500 }).expect(200);
      for (const study of listed.body.data as Array<{ protocol_id: string; randomization: Record<string, unknown> }>) {
        expect({ role, study: study.protocol_id, fields: Object.keys(study.randomization).sort() }).toEqual({ role, study: study.protocol_id, fields: ['seed_set', 'started'] });
      }
      expect(JSON.stringify(listed.body)).not.toMatch(/block_sizes|stratification_factors/);
    }
    for (const setUp of [admin, manager]) {
      expect((await setUp.get(`/edc/studies/${protocolId}`).expect(200)).body.randomization).toEqual({
        block_sizes: [4, 6],
        stratification_factors: ['site', 'sex'],
        seed_set: true,
        started: false,
      });
    }
  });

  it('defaults a new study to two block sizes, two and three times the sum of its allocation ratios', async () => {
    const oneToOne = await createStudy({ protocol_id: newProtocolId(), title: 'Even', arms: [{ arm_code: 'A' }, { arm_code: 'B' }] });
    expect(oneToOne.randomization).toMatchObject({ block_sizes: [4, 6] });
    const threeArms = await createStudy({ protocol_id: newProtocolId(), title: 'Three', arms: [{ arm_code: 'A', allocation_ratio: 2 }, { arm_code: 'B' }, { arm_code: 'C' }] });
    expect(threeArms.randomization).toMatchObject({ block_sizes: [8, 12] });
    const armless = await createStudy({ protocol_id: newProtocolId(), title: 'No arms yet' });
    expect(armless.randomization).toMatchObject({ block_sizes: [4, 6] });
  });

  it("creates the API document's example study as it stands, once", async () => {
    const document = (await request(platform.baseUrl).get('/docs-json').expect(200)).body;
    const example = document.paths['/edc/studies'].post.requestBody.content['application/json'].examples['a new study'].value;
    const created = await createStudy(example);
    expect(created).toMatchObject({ protocol_id: 'RA002', status: 'set_up', randomization: { seed_set: true } });
    expect(created.schedule).toHaveLength(4);
    expect((await manager.post('/edc/studies').send(example)).status).toBe(409);
  });

  it('makes a secret seed when none is given, defaults the rest, and refuses a protocol id that exists (409)', async () => {
    const protocolId = newProtocolId();
    const created = await createStudy({ protocol_id: protocolId, title: 'Minimal', arms: [{ arm_code: 'A', allocation_ratio: 2 }, { arm_code: 'B' }] });
    expect(created).toMatchObject({
      status: 'set_up',
      baseline_visit: null,
      subject_id_format: null,
      randomization: { block_sizes: [6, 9], stratification_factors: ['site'], seed_set: true },
      sites: [],
      schedule: [],
    });
    const again = await manager.post('/edc/studies').send({ protocol_id: protocolId, title: 'Again' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`Study ${protocolId} already exists`);
    const duplicateDefault = await manager.post('/edc/studies').send({ protocol_id: 'DEFAULT', title: 'Again' });
    expect(duplicateDefault.status).toBe(409);
  });

  it.each([
    ['a malformed protocol id', { protocol_id: 'bad id' }, 'protocol_id'],
    ['no title', { title: undefined }, 'title'],
    ['a numeric title', { title: 5 }, 'title'],
    ['a blank title', { title: '   ' }, 'title'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['a new study that is closed', { status: 'closed' }, 'status'],
    ['a format without {seq}', { subject_id_format: 'RA001' }, 'subject_id_format'],
    ['a format with two sequences', { subject_id_format: '{seq}-{seq:2}' }, 'subject_id_format'],
    ['a format with {seq:10}', { subject_id_format: 'RA-{seq:10}' }, 'subject_id_format'],
    ['a format with an unknown placeholder', { subject_id_format: '{country}-{seq}' }, 'subject_id_format'],
    ['allowances that are not booleans', { allow_new_sites: 'yes' }, 'allow_new_sites'],
    ['block sizes that do not fit the ratios', { randomization: { block_sizes: [3] } }, 'randomization.block_sizes'],
    ['block sizes as text', { randomization: { block_sizes: ['4'] } }, 'randomization.block_sizes'],
    ['an unknown stratification factor', { randomization: { stratification_factors: ['site', 'height'] } }, 'randomization.stratification_factors'],
    ['a repeated stratification factor', { randomization: { stratification_factors: ['sex', 'sex'] } }, 'randomization.stratification_factors'],
    ['a short seed', { randomization: { seed: 'short' } }, 'randomization.seed'],
    ['an unknown randomization setting', { randomization: { method: 'coin' } }, 'randomization.method'],
    ['randomization as a list', { randomization: [4] }, 'randomization'],
    ['a repeated site', { sites: [{ site_id: 'S01' }, { site_id: 'S01' }] }, 'sites[1].site_id'],
    ['a malformed site id', { sites: [{ site_id: 'S 01' }] }, 'sites[0].site_id'],
    ['a repeated arm', { arms: [{ arm_code: 'A' }, { arm_code: 'A' }] }, 'arms[1].arm_code'],
    ['an allocation ratio of 0', { arms: [{ arm_code: 'A', allocation_ratio: 0 }] }, 'arms[0].allocation_ratio'],
    ['a fractional allocation ratio', { arms: [{ arm_code: 'A', allocation_ratio: 1.5 }] }, 'arms[0].allocation_ratio'],
    ['a visit on day 0', { schedule: [{ visit_name: 'Day 0', planned_day: 0 }] }, 'schedule[0].planned_day'],
    ['a negative window', { schedule: [{ visit_name: 'Day 1', planned_day: 1, window_after: -1 }] }, 'schedule[0].window_after'],
    ['a visit without a day', { schedule: [{ visit_name: 'Day 1' }] }, 'schedule[0].planned_day'],
    ['a repeated visit', { baseline_visit: null, schedule: [{ visit_name: 'V', planned_day: 1 }, { visit_name: 'V', planned_day: 2 }] }, 'schedule[1].visit_name'],
    ['a baseline visit not in the schedule', { baseline_visit: 'Day 2' }, 'baseline_visit'],
    ['a schedule that is not a list', { schedule: 'weekly' }, 'schedule'],
  ])('refuses %s with 400 naming the field, creating nothing', async (_case, change, field) => {
    const protocolId = newProtocolId();
    const body = { ...fullStudy(protocolId), ...change };
    const response = await manager.post('/edc/studies').send(body);
    expect({ status: response.status, fields: fieldsOf(response.body) }).toEqual({ status: 400, fields: expect.arrayContaining([field]) });
    expect(response.body.message.length).toBeGreaterThan(10);
    const stored = await admin.get(`/edc/studies/${encodeURIComponent((body as { protocol_id: string }).protocol_id)}`);
    expect([400, 404]).toContain(stored.status);
  });

  it('explains what a subject id format needs', async () => {
    const response = await manager.post('/edc/studies').send(fullStudy(newProtocolId(), { subject_id_format: 'RA001' }));
    expect(response.body.message).toMatch(/subject_id_format: holds 0 sequence placeholders .*e\.g\. RA001-\{seq:3\}/);
  });

  it('answers 404 for an unknown study on every route, and 400 for a malformed protocol id', async () => {
    const missing = newProtocolId();
    for (const path of ['', '/sites', '/arms', '/schedule']) {
      const response = await admin.get(`/edc/studies/${missing}${path}`);
      expect({ path, status: response.status, message: response.body.message }).toEqual({ path, status: 404, message: `No study ${missing}` });
    }
    expect((await manager.patch(`/edc/studies/${missing}`).send({ title: 'x' })).status).toBe(404);
    expect((await manager.post(`/edc/studies/${missing}/sites`).send({ site_id: 'S09' })).status).toBe(404);
    expect((await manager.patch(`/edc/studies/${missing}/sites/S01`).send({ active: false })).status).toBe(404);
    expect((await manager.put(`/edc/studies/${missing}/arms`).send({ arms: [] })).status).toBe(404);
    expect((await manager.put(`/edc/studies/${missing}/schedule`).send({ schedule: [] })).status).toBe(404);
    const malformed = await admin.get('/edc/studies/bad%20id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^protocolId must be/);
  });

  it('changes title, settings and status (set up → enrolling → closed, reopened with a reason), each change audited with old and new values', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const changed = await manager
      .patch(`/edc/studies/${protocolId}`)
      .send({ title: 'Renamed', allow_unscheduled_visits: true, subject_id_format: 'RA9-{seq:3}', reason: 'protocol amendment 2' })
      .expect(200);
    expect(changed.body).toMatchObject({ title: 'Renamed', allow_unscheduled_visits: true, subject_id_format: 'RA9-{seq:3}' });
    const [update] = await auditOf(protocolId, 'update');
    expect(update).toMatchObject({
      reason: 'protocol amendment 2',
      changes: {
        title: { old: 'Rheumatoid arthritis, phase II', new: 'Renamed' },
        allow_unscheduled_visits: { old: false, new: true },
        subject_id_format: { old: '{site}-{seq:4}', new: 'RA9-{seq:3}' },
      },
    });
    expect(Object.keys(update.changes!).sort()).toEqual(['allow_unscheduled_visits', 'subject_id_format', 'title']);

    const skipping = await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'closed' });
    expect(skipping.status).toBe(409);
    expect(skipping.body.message).toMatch(/cannot go from set_up to closed/);
    await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'enrolling' }).expect(200);
    await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'closed', reason: 'last subject completed' }).expect(200);
    const noReason = await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'enrolling' });
    expect({ status: noReason.status, fields: fieldsOf(noReason.body) }).toEqual({ status: 400, fields: ['reason'] });
    expect(noReason.body.message).toMatch(/needs a reason/);
    const back = await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'set_up', reason: 'x' });
    expect(back.status).toBe(409);
    const reopened = await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'enrolling', reason: 'extension approved' }).expect(200);
    expect(reopened.body.status).toBe('enrolling');
    const statuses = (await auditOf(protocolId, 'update'))
      .filter((event) => event.changes?.status)
      .map((event) => [event.changes!.status.old, event.changes!.status.new, event.reason])
      .reverse();
    expect(statuses).toEqual([
      ['set_up', 'enrolling', null],
      ['enrolling', 'closed', 'last subject completed'],
      ['closed', 'enrolling', 'extension approved'],
    ]);
  });

  it('refuses bad changes with 400 naming the field and changes nothing', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: null }, 'title'],
      [{ status: 'paused' }, 'status'],
      [{ baseline_visit: 'Week 12' }, 'baseline_visit'],
      [{ subject_id_format: '{site}' }, 'subject_id_format'],
      [{ randomization: { block_sizes: [5] } }, 'randomization.block_sizes'],
      [{ randomization: { stratification_factors: ['bmi'] } }, 'randomization.stratification_factors'],
      [{ allow_new_sites: null }, 'allow_new_sites'],
      [{ protocol_id: 'OTHER' }, 'protocol_id'],
      [{ arms: [] }, 'arms'],
      [{ reason: '' }, 'reason'],
    ];
    for (const [body, field] of cases) {
      const response = await manager.patch(`/edc/studies/${protocolId}`).send(body);
      expect({ body, status: response.status, fields: fieldsOf(response.body) }).toEqual({ body, status: 400, fields: expect.arrayContaining([field]) });
    }
    const empty = await manager.patch(`/edc/studies/${protocolId}`).send({ reason: 'nothing' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/Nothing to change: send at least one of title, status/);
    expect(await auditOf(protocolId, 'update')).toEqual([]);
    const read = await admin.get(`/edc/studies/${protocolId}`).expect(200);
    expect(read.body).toMatchObject({ title: 'Rheumatoid arthritis, phase II', baseline_visit: 'Day 1', randomization: { block_sizes: [4, 6] } });
  });

  it('changes the seed without ever showing it, old or new', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const newSeed = 'another-secret-seed-of-the-study-99';
    const changed = await manager.patch(`/edc/studies/${protocolId}`).send({ randomization: { seed: newSeed, block_sizes: [2, 4] } }).expect(200);
    expect(changed.body.randomization).toEqual({ block_sizes: [2, 4], stratification_factors: ['site', 'sex'], seed_set: true, started: false });
    const [event] = await auditOf(protocolId, 'update');
    expect(event.changes).toEqual({ block_sizes: { old: [4, 6], new: [2, 4] }, randomization_seed: { old: '(hidden)', new: '(changed)' } });
    expect(JSON.stringify(await auditOf(protocolId))).not.toMatch(new RegExp(`${SEED}|${newSeed}`));
  });

  it('adds, renames and closes sites, refusing a site twice and unknown sites', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const added = await manager.post(`/edc/studies/${protocolId}/sites`).send({ site_id: 'S03', name: 'Trondheim', reason: 'recruitment' }).expect(201);
    expect(added.body).toEqual({ site_id: 'S03', name: 'Trondheim', active: true });
    const twice = await manager.post(`/edc/studies/${protocolId}/sites`).send({ site_id: 'S03' });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain(`PATCH /edc/studies/${protocolId}/sites/S03`);
    const bad = await manager.post(`/edc/studies/${protocolId}/sites`).send({ site_id: 'S 04', extra: 1 });
    expect({ status: bad.status, fields: fieldsOf(bad.body).sort() }).toEqual({ status: 400, fields: ['extra', 'site_id'] });
    const closed = await manager.patch(`/edc/studies/${protocolId}/sites/S03`).send({ active: false, name: 'Trondheim University Hospital', reason: 'no recruitment' }).expect(200);
    expect(closed.body).toEqual({ site_id: 'S03', name: 'Trondheim University Hospital', active: false });
    expect((await manager.patch(`/edc/studies/${protocolId}/sites/S09`).send({ active: false })).status).toBe(404);
    expect((await manager.patch(`/edc/studies/${protocolId}/sites/S03`).send({})).status).toBe(400);
    expect((await manager.patch(`/edc/studies/${protocolId}/sites/S03`).send({ active: 'no' })).status).toBe(400);
    const sites = await admin.get(`/edc/studies/${protocolId}/sites`).expect(200);
    expect(sites.body).toEqual({
      protocol_id: protocolId,
      sites: [
        { site_id: 'S01', name: 'Oslo', active: true },
        { site_id: 'S02', name: 'Bergen', active: true },
        { site_id: 'S03', name: 'Trondheim University Hospital', active: false },
      ],
    });
    expect(await auditOf(protocolId, 'add_site')).toMatchObject([{ reason: 'recruitment', changes: { 'sites.S03': { old: null, new: { name: 'Trondheim', active: true } } } }]);
    expect(await auditOf(protocolId, 'update_site')).toMatchObject([
      { reason: 'no recruitment', changes: { 'sites.S03.active': { old: true, new: false }, 'sites.S03.name': { old: 'Trondheim', new: 'Trondheim University Hospital' } } },
    ]);
  });

  it('refuses malformed sites, arms and schedules with 400 naming each field, changing nothing', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const cases: Array<[string, 'post' | 'patch' | 'put', string, Record<string, unknown>, string]> = [
      ['add site', 'post', '/sites', { site_id: 7 }, 'site_id'],
      ['add site', 'post', '/sites', {}, 'site_id'],
      ['add site', 'post', '/sites', { site_id: 'S09', name: '' }, 'name'],
      ['change site', 'patch', '/sites/S01', { name: 5 }, 'name'],
      ['change site', 'patch', '/sites/S01', { active: false, reason: '' }, 'reason'],
      ['change site', 'patch', '/sites/S01', { active: false, site_id: 'S09' }, 'site_id'],
      ['arms', 'put', '/arms', { arms: 'Active' }, 'arms'],
      ['arms', 'put', '/arms', { arms: [{ arm_code: 5 }] }, 'arms[0].arm_code'],
      ['arms', 'put', '/arms', { arms: [{ arm_code: 'A', allocation_ratio: 21 }] }, 'arms[0].allocation_ratio'],
      ['arms', 'put', '/arms', { arms: [{ arm_code: 'A', colour: 'red' }] }, 'arms[0].colour'],
      ['arms', 'put', '/arms', { arms: [], extra: true }, 'extra'],
      ['schedule', 'put', '/schedule', { schedule: [{ visit_name: 'V', planned_day: 1.5 }] }, 'schedule[0].planned_day'],
      ['schedule', 'put', '/schedule', { schedule: [{ visit_name: '', planned_day: 1 }] }, 'schedule[0].visit_name'],
      ['schedule', 'put', '/schedule', { schedule: [{ visit_name: 'V', planned_day: 1, required: 'yes' }] }, 'schedule[0].required'],
      ['schedule', 'put', '/schedule', { schedule: [{ visit_name: 'V', planned_day: 4000 }] }, 'schedule[0].planned_day'],
      ['schedule', 'put', '/schedule', { schedule: null }, 'schedule'],
    ];
    for (const [what, method, path, body, field] of cases) {
      const response = await manager[method](`/edc/studies/${protocolId}${path}`).send(body);
      expect({ what, body, status: response.status, fields: fieldsOf(response.body) }).toEqual({ what, body, status: 400, fields: expect.arrayContaining([field]) });
    }
    const study = (await admin.get(`/edc/studies/${protocolId}`).expect(200)).body;
    expect(study.sites).toEqual([{ site_id: 'S01', name: 'Oslo', active: true }, { site_id: 'S02', name: 'Bergen', active: true }]);
    expect(study.arms).toHaveLength(2);
    expect(study.schedule).toHaveLength(3);
    expect((await auditOf(protocolId)).map((event) => event.action)).toEqual(['create']);
  });

  it('adds a site once when the same site is added concurrently', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const answers = await Promise.all(Array.from({ length: 8 }, () => manager.post(`/edc/studies/${protocolId}/sites`).send({ site_id: 'S07' })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(await auditOf(protocolId, 'add_site')).toHaveLength(1);
  });

  it('replaces the arms, keeping arms of stored subjects and block sizes that fit, and audits the lists', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId, { status: 'enrolling' }));
    const replaced = await manager
      .put(`/edc/studies/${protocolId}/arms`)
      .send({ arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }, { arm_code: 'Low dose', allocation_ratio: 2 }], reason: 'third arm' });
    expect(replaced.status).toBe(400);
    expect(replaced.body.message).toMatch(/block sizes 4, 6 are not multiples of 4.*e\.g\. 4\b/);
    await manager.patch(`/edc/studies/${protocolId}`).send({ randomization: { block_sizes: [4, 8] } }).expect(200);
    const arms = await manager
      .put(`/edc/studies/${protocolId}/arms`)
      .send({ arms: [{ arm_code: 'Active', allocation_ratio: 1 }, { arm_code: 'Placebo', allocation_ratio: 1 }, { arm_code: 'Low dose', allocation_ratio: 2 }], reason: 'third arm' })
      .expect(200);
    expect(arms.body.arms.map((arm: { arm_code: string }) => arm.arm_code)).toEqual(['Active', 'Placebo', 'Low dose']);
    expect(await auditOf(protocolId, 'replace_arms')).toMatchObject([
      { reason: 'third arm', changes: { arms: { old: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }], new: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }, { arm_code: 'Low dose', allocation_ratio: 2 }] } } },
    ]);
    const repeated = await manager.put(`/edc/studies/${protocolId}/arms`).send({ arms: [{ arm_code: 'A' }, { arm_code: 'A' }] });
    expect({ status: repeated.status, fields: fieldsOf(repeated.body) }).toEqual({ status: 400, fields: ['arms[1].arm_code'] });
    expect((await manager.put(`/edc/studies/${protocolId}/arms`).send({})).status).toBe(400);

    const subject = newSubjectId('SA');
    await admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, ProtocolID: protocolId, SiteID: 'S01', TreatmentArm: 'Placebo' })] }).expect(201);
    const dropping = await manager.put(`/edc/studies/${protocolId}/arms`).send({ arms: [{ arm_code: 'Active', allocation_ratio: 2 }, { arm_code: 'Low dose', allocation_ratio: 2 }] });
    expect(dropping.status).toBe(409);
    expect(dropping.body.message).toMatch(/stored subjects are in "Placebo" \(1\)/);
    expect((await admin.get(`/edc/studies/${protocolId}/arms`).expect(200)).body.arms).toHaveLength(3);
  });

  it('fixes arms and randomization settings once the platform has randomized a subject, other settings still change', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId, { status: 'enrolling' }));
    const subject = newSubjectId('SR');
    await admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, ProtocolID: protocolId, SiteID: 'S01' })] }).expect(201);
    await withDatabase((db) =>
      db.query(
        `INSERT INTO randomization_slots (protocol_id, stratum, slot_number, block_number, block_size, arm_code, patient_id)
         SELECT $1::varchar, 'site=S01', 1, 1, 4, 'Active', id FROM patients WHERE protocol_id = $1::varchar AND subject_number = $2`,
        [protocolId, subject],
      ),
    );
    for (const randomization of [{ block_sizes: [2] }, { stratification_factors: ['site'] }, { seed: 'a-brand-new-seed-of-16+' }]) {
      const response = await manager.patch(`/edc/studies/${protocolId}`).send({ randomization });
      expect({ randomization, status: response.status }).toEqual({ randomization, status: 409 });
      expect(response.body.message).toMatch(/cannot change: the platform has already randomized subjects/);
    }
    const arms = await manager.put(`/edc/studies/${protocolId}/arms`).send({ arms: [{ arm_code: 'Active' }, { arm_code: 'Placebo' }, { arm_code: 'Extra' }] });
    expect(arms.status).toBe(409);
    expect(arms.body.message).toMatch(/already randomized/);
    const unchanged = await manager.put(`/edc/studies/${protocolId}/arms`).send({ arms: [{ arm_code: 'Active', description: 'Active treatment' }, { arm_code: 'Placebo', description: 'Placebo' }] });
    expect(unchanged.status).toBe(200);
    const titled = await manager.patch(`/edc/studies/${protocolId}`).send({ title: 'Still changeable' }).expect(200);
    expect(titled.body.randomization).toMatchObject({ block_sizes: [4, 6], started: true });
  });

  it('fixes the randomization settings once a subject is enrolled and randomized through the platform', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId, { status: 'enrolling' }));
    const enrolled = await admin.post(`/edc/studies/${protocolId}/subjects`).send({ site_id: 'S01', consent_date: '2026-01-05', enrol: true, demographics: { sex: 'F', age: 40 } });
    expect({ status: enrolled.status, subject: enrolled.body.subject_id }).toEqual({ status: 201, subject: 'S01-0001' });
    const randomized = await admin.post(`/edc/patients/S01-0001/randomize`).query({ protocolId }).send({});
    expect({ status: randomized.status, body: randomized.body }).toMatchObject({ status: 200 });
    expect(['Active', 'Placebo']).toContain(randomized.body.treatment_arm);
    const refused = await manager.patch(`/edc/studies/${protocolId}`).send({ randomization: { block_sizes: [2] } });
    expect(refused.status).toBe(409);
    const study = (await admin.get(`/edc/studies/${protocolId}`).expect(200)).body;
    expect(study.randomization).toEqual({ block_sizes: [4, 6], stratification_factors: ['site', 'sex'], seed_set: true, started: true });
  });

  it('replaces the schedule in list order, keeping visits that stored vitals use and the baseline visit', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId, { status: 'enrolling' }));
    const schedule = [
      { visit_name: 'Screening', planned_day: -1, window_before: 13 },
      { visit_name: 'Day 1', planned_day: 1 },
      { visit_name: 'Week 12', planned_day: 84, window_before: 7, window_after: 7 },
      { visit_name: 'Week 4', planned_day: 28, window_before: 3, window_after: 3 },
    ];
    const replaced = await manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule, reason: 'amendment 3' }).expect(200);
    expect(replaced.body.schedule.map((visit: { visit_name: string }) => visit.visit_name)).toEqual(['Screening', 'Day 1', 'Week 12', 'Week 4']);
    expect((await admin.get(`/edc/studies/${protocolId}/schedule`).expect(200)).body).toEqual(replaced.body);
    expect(await auditOf(protocolId, 'replace_schedule')).toMatchObject([{ reason: 'amendment 3', changes: { schedule: { old: expect.any(Array), new: expect.any(Array) } } }]);

    await admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId('SV'), ProtocolID: protocolId, SiteID: 'S01', VisitName: 'Week 4' })] }).expect(201);
    const withoutWeek4 = await manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule: schedule.slice(0, 3) });
    expect(withoutWeek4.status).toBe(409);
    expect(withoutWeek4.body.message).toMatch(/stored vital signs are at "Week 4" \(1\)/);
    const withoutBaseline = await manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule: [schedule[0], schedule[2], schedule[3]] });
    expect({ status: withoutBaseline.status, fields: fieldsOf(withoutBaseline.body) }).toEqual({ status: 400, fields: ['schedule'] });
    expect(withoutBaseline.body.message).toMatch(/baseline visit "Day 1"/);
    const repeated = await manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule: [...schedule, schedule[1]] });
    expect({ status: repeated.status, fields: fieldsOf(repeated.body) }).toEqual({ status: 400, fields: ['schedule[4].visit_name'] });
    expect((await admin.get(`/edc/studies/${protocolId}/schedule`).expect(200)).body.schedule).toHaveLength(4);
    expect(await auditOf(protocolId, 'replace_schedule')).toHaveLength(1);
  });

  it('refuses records with an unknown visit, arm or site of a tightened study, naming the record, field and allowed values, storing nothing', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId, { status: 'enrolling', allow_new_sites: true, allow_unscheduled_visits: true, allow_unlisted_arms: true }));
    const record = (overrides: Record<string, unknown>) => vitalRecord({ SubjectID: newSubjectId('SX'), ProtocolID: protocolId, SiteID: 'S01', ...overrides });
    await admin.post('/edc/store-vitals').send({ records: [record({ VisitName: 'Unscheduled 1', TreatmentArm: 'Rescue', SiteID: 'S05' })] }).expect(201);
    await manager.patch(`/edc/studies/${protocolId}`).send({ allow_new_sites: false, allow_unscheduled_visits: false, allow_unlisted_arms: false, reason: 'lock the design' }).expect(200);

    const refused = [
      [record({ VisitName: 'Week 8' }), 'records[1].VisitName', /"Week 8" is not a visit of study .* \(allowed: Screening, Day 1, Week 4\)/],
      [record({ TreatmentArm: 'Rescue 2' }), 'records[1].TreatmentArm', /"Rescue 2" is not an arm of study .* \(allowed: Active, Placebo\)/],
      [record({ SiteID: 'S06' }), 'records[1].SiteID', /"S06" is not a site of study .* \(allowed: S01, S02, S05\)/],
    ] as const;
    for (const [bad, field, problem] of refused) {
      const good = record({});
      const response = await admin.post('/edc/store-vitals').send({ records: [good, bad] });
      expect({ field, status: response.status, fields: fieldsOf(response.body) }).toEqual({ field, status: 400, fields: [field] });
      expect(response.body.details[0].problems[0]).toMatch(problem);
      for (const subject of [good.SubjectID, bad.SubjectID]) await admin.get(`/edc/patients/${subject}`).query({ protocolId }).expect(404);
    }

    await manager.patch(`/edc/studies/${protocolId}/sites/S02`).send({ active: false }).expect(200);
    const atClosedSite = await admin.post('/edc/store-vitals').send({ records: [record({ SiteID: 'S02' })] });
    expect({ status: atClosedSite.status, fields: fieldsOf(atClosedSite.body) }).toEqual({ status: 400, fields: ['records[0].SiteID'] });
    expect(atClosedSite.body.details[0].problems[0]).toMatch(/site "S02" of study .* is closed/);

    await admin.post('/edc/store-vitals').send({ records: [record({ VisitName: 'Week 4', TreatmentArm: 'Placebo' })] }).expect(201);
    await manager.patch(`/edc/studies/${protocolId}`).send({ status: 'closed' }).expect(200);
    const late = record({});
    const closed = await admin.post('/edc/store-vitals').send({ records: [late] });
    expect(closed.status).toBe(409);
    expect(closed.body.message).toMatch(/study .* is closed; it takes no new data/);
    await admin.get(`/edc/patients/${late.SubjectID}`).query({ protocolId }).expect(404);
  });

  it('never serves a casebook stale after a change to its study (title, schedule windows, site name)', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId, { status: 'enrolling' }));
    const subject = newSubjectId('SC');
    await admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject, ProtocolID: protocolId, SiteID: 'S01', VisitName: 'Day 1' })] }).expect(201);
    const casebook = () => admin.get(`/edc/patients/${subject}/casebook`).query({ protocolId }).expect(200);
    const week4 = (body: { visits: Array<{ visit_name: string; window: unknown }> }) => body.visits.find((visit) => visit.visit_name === 'Week 4')?.window;
    const before = (await casebook()).body;
    expect(before.study.title).toBe('Rheumatoid arthritis, phase II');
    expect(week4(before)).toEqual({ from_day: 25, to_day: 31 });
    await casebook();

    await manager.patch(`/edc/studies/${protocolId}`).send({ title: 'Renamed for the casebook' }).expect(200);
    expect((await casebook()).body.study.title).toBe('Renamed for the casebook');
    const schedule = [
      { visit_name: 'Screening', planned_day: -1, window_before: 13 },
      { visit_name: 'Day 1', planned_day: 1 },
      { visit_name: 'Week 4', planned_day: 28, window_before: 5, window_after: 5 },
    ];
    await manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule }).expect(200);
    expect(week4((await casebook()).body)).toEqual({ from_day: 23, to_day: 33 });
    await manager.patch(`/edc/studies/${protocolId}/sites/S01`).send({ name: 'Oslo University Hospital' }).expect(200);
    expect((await casebook()).body.site).toEqual({ site_id: 'S01', name: 'Oslo University Hospital' });
  });

  it('applies concurrent changes to one study one after the other, none lost', async () => {
    const protocolId = newProtocolId();
    await createStudy(fullStudy(protocolId));
    const answers = await Promise.all([
      manager.patch(`/edc/studies/${protocolId}`).send({ title: 'Concurrent title' }),
      manager.patch(`/edc/studies/${protocolId}`).send({ allow_new_sites: true }),
      manager.patch(`/edc/studies/${protocolId}`).send({ subject_id_format: 'C-{seq:2}' }),
      manager.post(`/edc/studies/${protocolId}/sites`).send({ site_id: 'S04' }),
      manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule: [{ visit_name: 'Day 1', planned_day: 1 }, { visit_name: 'Week 2', planned_day: 14 }] }),
      manager.put(`/edc/studies/${protocolId}/arms`).send({ arms: [{ arm_code: 'Active' }, { arm_code: 'Control' }] }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 201, 200, 200]);
    const study = (await admin.get(`/edc/studies/${protocolId}`).expect(200)).body;
    expect(study).toMatchObject({ title: 'Concurrent title', allow_new_sites: true, subject_id_format: 'C-{seq:2}' });
    expect(study.sites.map((site: { site_id: string }) => site.site_id)).toEqual(['S01', 'S02', 'S04']);
    expect(study.schedule.map((visit: { visit_name: string }) => visit.visit_name)).toEqual(['Day 1', 'Week 2']);
    expect(study.arms.map((arm: { arm_code: string }) => arm.arm_code)).toEqual(['Active', 'Control']);
    expect((await auditOf(protocolId)).map((event) => event.action).sort()).toEqual(['add_site', 'create', 'replace_arms', 'replace_schedule', 'update', 'update', 'update']);
  });

  it('never stores a record at a visit that a concurrent schedule change removes', async () => {
    for (let round = 0; round < 4; round += 1) {
      const protocolId = newProtocolId();
      await createStudy(fullStudy(protocolId, { status: 'enrolling' }));
      const [stored, replaced] = await Promise.all([
        admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId('SW'), ProtocolID: protocolId, SiteID: 'S01', VisitName: 'Week 4' })] }),
        manager.put(`/edc/studies/${protocolId}/schedule`).send({ schedule: [{ visit_name: 'Screening', planned_day: -1 }, { visit_name: 'Day 1', planned_day: 1 }] }),
      ]);
      // One of them wins: stored first, the schedule keeps Week 4 (409); replaced first, the record is refused (400).
      expect([[201, 409], [400, 200]]).toContainEqual([stored.status, replaced.status]);
      const schedule = (await admin.get(`/edc/studies/${protocolId}/schedule`).expect(200)).body.schedule.map((visit: { visit_name: string }) => visit.visit_name);
      expect(schedule.includes('Week 4')).toBe(stored.status === 201);
    }
  });

  describe('site scoping', () => {
    it('shows a user limited to sites only their sites of a study, and answers 404 for other sites', async () => {
      const protocolId = newProtocolId();
      await createStudy(fullStudy(protocolId));
      const study = await managerOfS02.get(`/edc/studies/${protocolId}`).expect(200);
      expect(study.body.sites).toEqual([{ site_id: 'S02', name: 'Bergen', active: true }]);
      expect((await managerOfS02.get(`/edc/studies/${protocolId}/sites`).expect(200)).body.sites).toEqual([{ site_id: 'S02', name: 'Bergen', active: true }]);
      const listed = await managerOfS02.get('/edc/studies').query({ limit: 500 }).expect(200);
      const inList = listed.body.data.find((candidate: { protocol_id: string }) => candidate.protocol_id === protocolId);
      expect(inList.sites.map((site: { site_id: string }) => site.site_id)).toEqual(['S02']);

      const otherSite = await managerOfS02.patch(`/edc/studies/${protocolId}/sites/S01`).send({ active: false });
      expect(otherSite.status).toBe(404);
      expect(otherSite.body.message).toBe(`No site S01 in study ${protocolId}`);
      await managerOfS02.patch(`/edc/studies/${protocolId}/sites/S02`).send({ name: 'Bergen Haukeland' }).expect(200);
      expect((await managerOfS02.post(`/edc/studies/${protocolId}/sites`).send({ site_id: 'S08' })).status).toBe(403);
      for (const refused of [
        managerOfS02.patch(`/edc/studies/${protocolId}`).send({ title: 'Mine now' }),
        managerOfS02.put(`/edc/studies/${protocolId}/arms`).send({ arms: [{ arm_code: 'Active' }] }),
        managerOfS02.put(`/edc/studies/${protocolId}/schedule`).send({ schedule: [] }),
        managerOfS02.post('/edc/studies').send({ protocol_id: newProtocolId(), title: 'Site study' }),
      ]) {
        const response = await refused;
        expect(response.status).toBe(403);
        expect(response.body.message).toMatch(/needs a user of all sites; you are limited to S02/);
      }
      const after = await admin.get(`/edc/studies/${protocolId}`).expect(200);
      expect(after.body).toMatchObject({ title: 'Rheumatoid arthritis, phase II', sites: [{ site_id: 'S01', active: true }, { site_id: 'S02', name: 'Bergen Haukeland' }] });
      expect(after.body.arms).toHaveLength(2);
      expect(after.body.schedule).toHaveLength(3);
    });

    it('lets everyone read studies and only admins and data managers change them', async () => {
      const investigator = (await createUser(platform.baseUrl, admin, { username: newSubjectId('inv'), roles: ['investigator'], site_ids: ['S01'] })).client;
      await investigator.get('/edc/studies/DEFAULT').expect(200);
      const response = await investigator.post('/edc/studies').send({ protocol_id: newProtocolId(), title: 'Not mine' });
      expect(response.status).toBe(403);
      expect(response.body.message).toMatch(/needs one of the roles/);
    });
  });

  it('pages the list of studies and filters it by status', async () => {
    const ids = [newProtocolId(), newProtocolId(), newProtocolId()];
    for (const id of ids) await createStudy({ protocol_id: id, title: `Paged ${id}` });
    const all = await admin.get('/edc/studies').query({ limit: 500 }).expect(200);
    const first = await admin.get('/edc/studies').query({ limit: 2, offset: 0 }).expect(200);
    const second = await admin.get('/edc/studies').query({ limit: 2, offset: 2 }).expect(200);
    expect(first.body.page).toEqual({ limit: 2, offset: 0, total: all.body.page.total });
    expect([...first.body.data, ...second.body.data].map((study: { protocol_id: string }) => study.protocol_id)).toEqual(
      all.body.data.slice(0, 4).map((study: { protocol_id: string }) => study.protocol_id),
    );
    const setUp = await admin.get('/edc/studies').query({ status: 'set_up', limit: 500 }).expect(200);
    expect(setUp.body.data.every((study: { status: string }) => study.status === 'set_up')).toBe(true);
    expect(setUp.body.data.map((study: { protocol_id: string }) => study.protocol_id)).toEqual(expect.arrayContaining(ids));
    for (const query of [{ limit: 0 }, { limit: 501 }, { offset: -1 }, { status: 'open' }, { colour: 'blue' }]) {
      expect({ query, status: (await admin.get('/edc/studies').query(query)).status }).toEqual({ query, status: 400 });
    }
  });
});
