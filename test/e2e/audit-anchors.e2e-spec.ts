import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createUser } from '../support/auth.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

/**
 * An auditor's view of tampering by someone with full access to the database (a superuser who can
 * switch triggers off and recompute every hash): the chain alone can be made to look intact
 * again, but not to pass through an anchor signed earlier with a key the database never saw.
 */

interface Anchor {
  position: number;
  hash: string;
  signed_at: string;
  signature: string;
}

interface Verification {
  intact: boolean;
  events_checked: number;
  pending: number;
  first_broken?: { seq: number; event_id: string; problem: string };
  anchors?: Array<{ position: number; status: string; problem?: string }>;
}

/** Recomputes every link from the events as they are now, as an attacker covering their tracks would. */
const RECOMPUTE_CHAIN = `
  DO $$
  DECLARE link record; last_hash text := NULL;
  BEGIN
    FOR link IN SELECT c.position, c.hash_version, e FROM audit_chain c JOIN audit_events e ON e.seq = c.event_seq ORDER BY c.position LOOP
      UPDATE audit_chain SET previous_hash = last_hash, hash = audit_link_hash(link.hash_version, last_hash, link.e)
       WHERE position = link.position RETURNING hash INTO last_hash;
    END LOOP;
  END $$`;

describe('audit anchors', () => {
  let platform: PlatformUnderTest;
  let superuser: pg.Client;
  let anchorFolder: string;

  const anchorNow = async (): Promise<Anchor> => (await platform.admin.get('/security/audit/anchor').expect(200)).body as Anchor;
  const verify = async (anchors?: Anchor[]): Promise<Verification> =>
    (anchors ? await platform.admin.post('/security/audit/verify').send({ anchors }).expect(200) : await platform.admin.get('/security/audit/verify').expect(200))
      .body as Verification;
  const storeSome = async (count = 2) => {
    for (let n = 0; n < count; n += 1) {
      await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId('ANC') })] }).expect(201);
    }
  };
  /** As a superuser with triggers off for the session: what the runtime role cannot do. */
  const tamper = async (sql: string, params: unknown[] = []) => {
    await superuser.query('BEGIN');
    await superuser.query('SET LOCAL session_replication_role = replica');
    await superuser.query(sql, params);
    await superuser.query('COMMIT');
  };

  beforeEach(async () => {
    anchorFolder = await mkdtemp(join(tmpdir(), 'ctp-anchors-'));
    platform = await startPlatform('all-in-one', { AUDIT_ANCHOR_FILE: join(anchorFolder, 'anchors.jsonl') });
    superuser = new pg.Client({ connectionString: platform.database!.superuserUrl });
    await superuser.connect();
    await storeSome(3);
  });
  afterEach(async () => {
    await superuser?.end();
    await platform?.close();
    await rm(anchorFolder, { recursive: true, force: true });
  });

  it('signs the chain head on demand and appends the same anchor to the anchor file', async () => {
    const anchor = await anchorNow();
    const [{ head }] = (await superuser.query('SELECT max(position)::int AS head FROM audit_chain')).rows;
    expect(anchor).toEqual({ position: head, hash: expect.stringMatching(/^[0-9a-f]{64}$/), signed_at: expect.any(String), signature: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const lines = (await readFile(join(anchorFolder, 'anchors.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1) as string)).toEqual(anchor);
  });

  it('verifies an untouched chain against its earlier anchors as intact', async () => {
    const first = await anchorNow();
    await storeSome();
    const second = await anchorNow();
    await storeSome();
    const result = await verify([first, second]);
    expect(result).toMatchObject({ intact: true, anchors: [{ position: first.position, status: 'matches' }, { position: second.position, status: 'matches' }] });
  });

  it('refuses an anchor that this installation did not sign, or that was altered', async () => {
    const anchor = await anchorNow();
    const forged = { ...anchor, position: anchor.position - 1 };
    const result = await verify([forged]);
    expect(result.intact).toBe(false);
    expect(result.anchors?.[0].status).toBe('not_signed_by_this_installation');
  });

  it('reports a chain recomputed after an event was changed, which the chain alone no longer shows', async () => {
    const anchor = await anchorNow();
    const { rows } = await superuser.query("SELECT seq FROM audit_events WHERE entity_type = 'vital_sign' ORDER BY seq LIMIT 1");
    await tamper(`UPDATE audit_events SET changes = jsonb_set(changes, '{systolic_bp,new}', '99') WHERE seq = $1`, [rows[0].seq]);
    expect((await verify()).intact).toBe(false);

    await tamper(RECOMPUTE_CHAIN);
    expect((await verify()).intact).toBe(true);
    const result = await verify([anchor]);
    expect(result.intact).toBe(false);
    expect(result.anchors?.[0]).toMatchObject({ status: 'rewritten', problem: expect.stringMatching(/changed or recomputed/) });
  });

  it('reports the newest events removed with their links, which the chain alone no longer shows', async () => {
    const anchor = await anchorNow();
    await tamper(`
      WITH gone AS (DELETE FROM audit_chain WHERE position > $1 - 3 RETURNING event_seq)
      DELETE FROM audit_events WHERE seq IN (SELECT event_seq FROM gone)`, [anchor.position]);
    expect((await verify()).intact).toBe(true);
    const result = await verify([anchor]);
    expect(result.intact).toBe(false);
    expect(result.anchors?.[0]).toMatchObject({ status: 'truncated', problem: `the chain ends at position ${anchor.position - 3}, before this anchor's ${anchor.position}: events were removed` });
  });

  it('reports an event removed while its link in the chain was kept', async () => {
    await verify();
    const { rows } = await superuser.query('SELECT event_seq FROM audit_chain ORDER BY position DESC LIMIT 1');
    await tamper('DELETE FROM audit_events WHERE seq = $1', [rows[0].event_seq]);
    const result = await verify();
    expect(result).toMatchObject({
      intact: false,
      first_broken: { seq: Number(rows[0].event_seq), event_id: null, problem: 'the event was removed (its link in the chain remains)' },
    });
  });

  it.each([
    ['who did it (username)', "UPDATE audit_events SET username = 'someone-else' WHERE seq = $1"],
    ['who did it (user id)', 'UPDATE audit_events SET user_id = gen_random_uuid() WHERE seq = $1'],
    ['the role', "UPDATE audit_events SET role = 'statistician' WHERE seq = $1"],
    ['where from', "UPDATE audit_events SET client_address = '10.9.9.9' WHERE seq = $1"],
    ['text moved from one field into another', 'UPDATE audit_events SET subject = entity_id, entity_id = NULL WHERE seq = $1'],
  ])('reports a change to %s of a sealed event', async (_what, sql) => {
    await verify();
    const { rows } = await superuser.query("SELECT seq FROM audit_events WHERE action = 'login' AND subject IS NULL ORDER BY seq DESC LIMIT 1");
    await tamper(sql, [rows[0].seq]);
    const result = await verify();
    expect(result).toMatchObject({ intact: false, first_broken: { seq: Number(rows[0].seq), problem: 'the event was changed after it was written' } });
  });

  it('refuses malformed anchors with 400 naming the field', async () => {
    const anchor = await anchorNow();
    const bad = await platform.admin.post('/security/audit/verify').send({ anchors: [{ ...anchor, hash: 'xyz' }] }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'anchors[0].hash', problems: ['must be 64 lowercase hex digits'] }]);
    await platform.admin.post('/security/audit/verify').send({ anchors: [] }).expect(400);
    await platform.admin.post('/security/audit/verify').send({}).expect(400);
  });

  it('lets a monitor anchor and verify, and refuses an investigator', async () => {
    const monitor = await createUser(platform.baseUrl, platform.admin, { username: `anchor-monitor-${Date.now()}`, roles: ['monitor'] });
    const anchor = (await monitor.client.get('/security/audit/anchor').expect(200)).body as Anchor;
    await monitor.client.post('/security/audit/verify').send({ anchors: [anchor] }).expect(200);
    const investigator = await createUser(platform.baseUrl, platform.admin, { username: `anchor-inv-${Date.now()}`, roles: ['investigator'] });
    await investigator.client.get('/security/audit/anchor').expect(403);
    await investigator.client.post('/security/audit/verify').send({ anchors: [anchor] }).expect(403);
  });
});

describe('audit verification while events are being written', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
  });
  afterAll(() => platform?.close());

  it('counts events committed after its seal as pending, never as broken', async () => {
    let storing = true;
    const writer = (async () => {
      while (storing) {
        await platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: newSubjectId('PND') })] }).expect(201);
      }
    })();
    const results: Verification[] = [];
    try {
      for (let n = 0; n < 40; n += 1) results.push((await platform.admin.get('/security/audit/verify').expect(200)).body as Verification);
    } finally {
      storing = false;
      await writer;
    }
    expect(results.filter((result) => !result.intact || result.first_broken !== undefined)).toEqual([]);
  });
});
