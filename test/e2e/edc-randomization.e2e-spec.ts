import { randomBytes } from 'node:crypto';
import { assignments, type BlockDesign } from '../../apps/edc-service/src/randomization/permuted-blocks.js';
import { type Client, createUser } from '../support/auth.js';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * Randomization by stratified permuted blocks: 100 parallel requests at one site take 100 distinct
 * slots, every complete block is balanced, and the arms in slot order are the sequence the study's
 * seed gives. The answer never shows the block or the slot; refusals leave nothing behind.
 */

const unique = (prefix: string): string => `${prefix}${randomBytes(3).toString('hex').toUpperCase()}`;

interface StudySetup {
  protocolId: string;
  seed: string;
  arms: Array<{ code: string; ratio: number }>;
  blockSizes: number[];
  factors?: string[];
  sites?: string[];
}

/** A study written straight into the database, for designs the studies API refuses (no arms, block sizes the ratios do not divide). */
async function createStudy(platform: PlatformUnderTest, study: StudySetup): Promise<BlockDesign> {
  const db = platform.database!;
  await db.admin(
    `INSERT INTO studies (protocol_id, title, status, subject_id_format, randomization_seed, randomization_block_sizes, stratification_factors)
     VALUES ($1, $2, 'enrolling', $3, $4, $5::smallint[], $6::text[])`,
    [study.protocolId, `Study ${study.protocolId}`, `${study.protocolId}-{seq:3}`, study.seed, study.blockSizes, study.factors ?? []],
  );
  for (const site of study.sites ?? ['S01', 'S02']) await db.admin(`INSERT INTO study_sites (protocol_id, site_id) VALUES ($1, $2)`, [study.protocolId, site]);
  for (const [index, arm] of study.arms.entries()) {
    await db.admin(`INSERT INTO study_arms (protocol_id, arm_code, allocation_ratio, display_order) VALUES ($1, $2, $3, $4)`, [
      study.protocolId,
      arm.code,
      arm.ratio,
      index + 1,
    ]);
  }
  return { arms: study.arms.map((arm) => ({ armCode: arm.code, allocationRatio: arm.ratio })), blockSizes: study.blockSizes };
}

interface Slot {
  slot_number: number;
  block_number: number;
  block_size: number;
  arm_code: string;
  subject_number: string;
  treatment_arm: string;
  status: string;
  randomized_by_platform: boolean;
}

describe.each<Mode>(['all-in-one', 'split'])('randomization (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let atS02: Client;

  const enrol = async (protocolId: string, body: Record<string, unknown> = {}): Promise<string> => {
    const response = await platform.admin
      .post(`/edc/studies/${protocolId}/subjects`)
      .send({ site_id: 'S01', consent_date: '2026-01-05', demographics: { sex: 'F', age: 50 }, enrol: true, ...body });
    expect({ status: response.status, message: response.body.message }).toEqual({ status: 201, message: undefined });
    return response.body.subject_id;
  };
  const randomize = (subjectId: string, client: Client = platform.admin) => client.post(`/edc/patients/${subjectId}/randomize`);
  const slotsOf = async (protocolId: string, stratum: string): Promise<Slot[]> =>
    (
      await platform.database!.admin(
        `SELECT s.slot_number, s.block_number, s.block_size, s.arm_code, p.subject_number, p.treatment_arm, p.status, p.randomized_by_platform
           FROM randomization_slots s JOIN patients p ON p.id = s.patient_id
          WHERE s.protocol_id = $1 AND s.stratum = $2 ORDER BY s.slot_number`,
        [protocolId, stratum],
      )
    ).rows;

  beforeAll(async () => {
    platform = await startPlatform(mode);
    atS02 = (await createUser(platform.baseUrl, platform.admin, { username: unique('rand.s02.').toLowerCase(), roles: ['investigator'], site_ids: ['S02'] })).client;
  });
  afterAll(() => platform?.close());

  it("runs the README's example on a fresh default study: enrol at once, randomize, withdraw, correct", async () => {
    await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord()] }).expect(201);
    const enrolled = await platform.admin
      .post('/edc/studies/DEFAULT/subjects')
      .send({ site_id: 'S01', consent_date: '2026-03-02', demographics: { sex: 'F', birth_year: 1961, race: 'WHITE', ethnicity: 'NOT HISPANIC OR LATINO', height_cm: 168, weight_kg: 72.4 }, enrol: true })
      .expect(201);
    expect(enrolled.body).toMatchObject({ subject_id: 'RA001-002', status: 'enrolled' });
    const randomized = await randomize('RA001-002').expect(200);
    expect(randomized.body).toMatchObject({ subject_id: 'RA001-002', protocol_id: 'DEFAULT', site_id: 'S01', stratum: 'site=S01', treatment_arm: expect.stringMatching(/^(Active|Placebo)$/) });
    // The answers are documented field by field: a generated client knows every one of them.
    const schemas = (await platform.admin.get('/docs-json').expect(200)).body.components.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(Object.keys(randomized.body).sort()).toEqual(Object.keys(schemas.RandomizationResponse.properties).sort());
    expect(Object.keys(enrolled.body).sort()).toEqual(Object.keys(schemas.PatientResponse.properties).sort());
    await platform.admin.post('/edc/patients/RA001-002/status').send({ status: 'withdrawn', reason: 'withdrew consent' }).expect(200);
    const corrected = await platform.admin.patch('/edc/patients/RA001-002').send({ demographics: { weight_kg: 74.2 }, reason: 'transcription error' }).expect(200);
    expect(corrected.body).toMatchObject({ status: 'withdrawn', status_reason: 'withdrew consent', demographics: { weight_kg: 74.2 } });
  });

  describe('100 parallel randomizations at one site', () => {
    const protocolId = unique('R');
    const seed = `seed-${randomBytes(16).toString('hex')}`;
    let design: BlockDesign;
    let subjects: string[];
    let answers: Array<{ status: number; body: Record<string, unknown> }>;

    beforeAll(async () => {
      // Set up through the studies API, with the seed the test keeps to recompute the sequence.
      await platform.admin
        .post('/edc/studies')
        .send({
          protocol_id: protocolId,
          title: 'Parallel randomization',
          status: 'enrolling',
          subject_id_format: `${protocolId}-{seq:3}`,
          sites: [{ site_id: 'S01' }],
          arms: [{ arm_code: 'High', allocation_ratio: 2 }, { arm_code: 'Low', allocation_ratio: 1 }],
          randomization: { block_sizes: [3, 6, 9], seed },
        })
        .expect(201);
      design = { arms: [{ armCode: 'High', allocationRatio: 2 }, { armCode: 'Low', allocationRatio: 1 }], blockSizes: [3, 6, 9] };
      subjects = [];
      for (let n = 0; n < 100; n += 1) subjects.push(await enrol(protocolId));
      answers = await Promise.all(subjects.map((subject) => randomize(subject)));
    });

    it('randomizes every subject once, answering the arm and stratum only', () => {
      expect(answers.filter((answer) => answer.status !== 200).map((answer) => answer.body)).toEqual([]);
      for (const [index, answer] of answers.entries()) {
        expect(Object.keys(answer.body).sort()).toEqual(['protocol_id', 'randomized_at', 'site_id', 'stratum', 'subject_id', 'treatment_arm']);
        expect(answer.body).toMatchObject({ subject_id: subjects[index], protocol_id: protocolId, site_id: 'S01', stratum: 'site=S01', treatment_arm: expect.stringMatching(/^(High|Low)$/) });
        expect(JSON.stringify(answer.body)).not.toContain(seed);
      }
    });

    it('takes 100 distinct slots, keeps every complete block balanced 2:1, and follows the sequence the seed gives', async () => {
      const slots = await slotsOf(protocolId, 'site=S01');
      expect(slots.map((slot) => slot.slot_number)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
      expect(new Set(slots.map((slot) => slot.subject_number)).size).toBe(100);

      const blocks = new Map<number, Slot[]>();
      for (const slot of slots) blocks.set(slot.block_number, [...(blocks.get(slot.block_number) ?? []), slot]);
      const complete = [...blocks.values()].filter((block) => block.length === block[0].block_size);
      expect(complete.length).toBeGreaterThanOrEqual(blocks.size - 1);
      for (const block of complete) {
        const high = block.filter((slot) => slot.arm_code === 'High').length;
        expect({ block: block[0].block_number, high, low: block.length - high }).toEqual({ block: block[0].block_number, high: (block.length * 2) / 3, low: block.length / 3 });
      }

      const expected = assignments(seed, 'site=S01', design, 100);
      expect(slots.map((slot) => slot.arm_code)).toEqual(expected.map((assignment) => assignment.armCode));
      expect(slots.map((slot) => [slot.block_number, slot.block_size])).toEqual(expected.map((assignment) => [assignment.blockNumber, assignment.blockSize]));
      for (const slot of slots) expect(slot).toMatchObject({ treatment_arm: slot.arm_code, status: 'randomized', randomized_by_platform: true });
      const answered = new Map(answers.map((answer) => [answer.body.subject_id, answer.body.treatment_arm]));
      for (const slot of slots) expect(answered.get(slot.subject_number)).toBe(slot.arm_code);
    });

    it('shows the arm in reads at once (no stale cache), audits the randomization, and refuses a second one', async () => {
      const subject = subjects[0];
      const read = await platform.admin.get(`/edc/patients/${subject}`).expect(200);
      expect(read.body).toMatchObject({ status: 'randomized', randomized_by_platform: true, treatment_arm: answers[0].body.treatment_arm, randomized_at: answers[0].body.randomized_at });
      const events = await platform.admin.get('/security/audit/events').query({ entityType: 'patient', entityId: read.body.id, action: 'randomize' }).expect(200);
      expect(events.body.data).toEqual([
        expect.objectContaining({ username: 'admin', reason: 'randomized', changes: expect.objectContaining({ status: { old: 'enrolled', new: 'randomized' } }) }),
      ]);
      expect(JSON.stringify(events.body)).not.toContain(seed);
      const again = await randomize(subject).expect(409);
      expect(again.body.message).toContain('already randomized');
      expect((await slotsOf(protocolId, 'site=S01')).length).toBe(100);
    });

    it('lets a randomized subject complete or withdraw', async () => {
      await platform.admin.post(`/edc/patients/${subjects[1]}/status`).send({ status: 'completed' }).expect(200);
      await platform.admin.post(`/edc/patients/${subjects[2]}/status`).send({ status: 'withdrawn', reason: 'adverse event' }).expect(200);
      await platform.admin.post(`/edc/patients/${subjects[1]}/status`).send({ status: 'withdrawn', reason: 'late' }).expect(409);
    });
  });

  describe('strata and refusals', () => {
    const protocolId = unique('Q');
    const seed = `seed-${randomBytes(16).toString('hex')}`;
    let design: BlockDesign;

    beforeAll(async () => {
      design = await createStudy(platform, {
        protocolId,
        seed,
        arms: [{ code: 'Active', ratio: 1 }, { code: 'Placebo', ratio: 1 }],
        blockSizes: [4],
        factors: ['site', 'sex', 'age_group'],
      });
    });

    it("stratifies by the site and the study's factors, each stratum with its own sequence", async () => {
      const older = await enrol(protocolId, { demographics: { sex: 'F', birth_year: 1950 } });
      const younger = await enrol(protocolId, { demographics: { sex: 'M', age: 30 } });
      const elsewhere = await enrol(protocolId, { site_id: 'S02', demographics: { sex: 'M', age: 30 } });
      const answered = [(await randomize(older).expect(200)).body, (await randomize(younger).expect(200)).body, (await randomize(elsewhere).expect(200)).body];
      expect(answered.map((body) => body.stratum)).toEqual(['site=S01|sex=F|age_group=>=65', 'site=S01|sex=M|age_group=<65', 'site=S02|sex=M|age_group=<65']);
      for (const body of answered) {
        const [slot] = await slotsOf(protocolId, body.stratum);
        expect(slot).toMatchObject({ slot_number: 1, arm_code: assignments(seed, body.stratum, design, 1)[0].armCode, subject_number: body.subject_id });
      }
    });

    it('shares one sequence across sites when the study stratifies by other factors only', async () => {
      const bySex = unique('SEX');
      const sexDesign = await createStudy(platform, { protocolId: bySex, seed, arms: [{ code: 'A', ratio: 1 }, { code: 'B', ratio: 1 }], blockSizes: [2], factors: ['sex'] });
      const first = await enrol(bySex, { site_id: 'S01' });
      const second = await enrol(bySex, { site_id: 'S02' });
      for (const subject of [first, second]) expect((await randomize(subject).expect(200)).body.stratum).toBe('sex=F');
      const slots = await slotsOf(bySex, 'sex=F');
      expect(slots.map((slot) => [slot.slot_number, slot.subject_number])).toEqual([[1, first], [2, second]]);
      expect(slots.map((slot) => slot.arm_code)).toEqual(assignments(seed, 'sex=F', sexDesign, 2).map((assignment) => assignment.armCode));
    });

    it('refuses a subject that is not enrolled, naming its status (409)', async () => {
      const screened = await enrol(protocolId, { enrol: false });
      const refused = await randomize(screened).expect(409);
      expect(refused.body.message).toContain('screened');
      expect((await platform.admin.get(`/edc/patients/${screened}`).expect(200)).body).toMatchObject({ status: 'screened', treatment_arm: null });
    });

    it('refuses a subject whose arm came with its first record through store-vitals (409), which stays not randomized by the platform', async () => {
      const captured = newSubjectId('CAP');
      await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: captured, SiteID: 'S01' })] }).expect(201);
      const refused = await randomize(captured).expect(409);
      expect(refused.body.message).toContain('arm assigned at capture');
      expect((await platform.admin.get(`/edc/patients/${captured}`).expect(200)).body).toMatchObject({ treatment_arm: 'Active', randomized_by_platform: false, randomized_at: null });
    });

    it("answers another site's user with 404, as for a missing subject, and randomizes nothing", async () => {
      const subject = await enrol(protocolId);
      const refused = await randomize(subject, atS02).expect(404);
      expect(refused.body.message).toBe(`No subject ${subject}`);
      expect((await platform.admin.get(`/edc/patients/${subject}`).expect(200)).body).toMatchObject({ status: 'enrolled', treatment_arm: null });
      expect((await platform.database!.admin(`SELECT count(*)::int AS n FROM randomization_slots s JOIN patients p ON p.id = s.patient_id WHERE p.subject_number = $1`, [subject])).rows[0].n).toBe(0);
      await randomize('NO-SUCH-SUBJECT').expect(404);
    });

    it('refuses a study without arms, or whose block sizes the ratios do not divide (409)', async () => {
      const armless = unique('NOARM');
      await createStudy(platform, { protocolId: armless, seed, arms: [], blockSizes: [4] });
      const subject = await enrol(armless);
      expect((await randomize(subject).expect(409)).body.message).toContain('no arms');
      const uneven = unique('UNEVEN');
      await createStudy(platform, { protocolId: uneven, seed, arms: [{ code: 'A', ratio: 2 }, { code: 'B', ratio: 1 }], blockSizes: [4] });
      const other = await enrol(uneven);
      expect((await randomize(other).expect(409)).body.message).toContain('multiple of the sum of the allocation ratios (3)');
      expect((await platform.admin.get(`/edc/patients/${other}`).expect(200)).body.status).toBe('enrolled');
    });

    it('refuses a subject missing a factor the study stratifies by (409)', async () => {
      const byRace = unique('RACE');
      await createStudy(platform, { protocolId: byRace, seed, arms: [{ code: 'A', ratio: 1 }, { code: 'B', ratio: 1 }], blockSizes: [2], factors: ['race'] });
      const subject = await enrol(byRace);
      expect((await randomize(subject).expect(409)).body.message).toContain('race');
      await platform.admin.patch(`/edc/patients/${subject}`).send({ reason: 'race was on the form', demographics: { race: 'ASIAN' } }).expect(200);
      expect((await randomize(subject).expect(200)).body.stratum).toBe('race=ASIAN');
    });
  });
});
