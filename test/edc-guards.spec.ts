import pg from 'pg';
import type { TestDatabase } from './support/test-database.js';
import { type MigratedDatabase, openMigratedDatabase } from './support/migrated-database.js';

/**
 * What the database itself enforces on EDC data, whatever path a write takes: locked data refuses
 * writes (SQLSTATE CT409, naming who locked it and when), and a write to signed data invalidates
 * the signature, saying which change did it. Tried as the services' own login.
 */
describe('EDC guards in the database', () => {
  let database: TestDatabase;
  let runtime: pg.Client;
  let opened: MigratedDatabase | undefined;
  let patientId = '';

  const insertVital = (visit: string, systolic = 120) =>
    runtime.query(
      `INSERT INTO vital_signs (patient_id, visit_name, systolic_bp, diastolic_bp, heart_rate, temperature, data_batch)
       VALUES ($1, $2, $3, 80, 70, 36.8, gen_random_uuid()) RETURNING id`,
      [patientId, visit, systolic],
    );
  const inTransaction = async (reason: string, sql: string, params: unknown[] = []) => {
    await runtime.query('BEGIN');
    try {
      await runtime.query(`SELECT set_config('ctp.change_reason', $1, true), set_config('ctp.actor', '{"username":"dm.jones"}', true)`, [reason]);
      const result = await runtime.query(sql, params);
      await runtime.query('COMMIT');
      return result;
    } catch (error) {
      await runtime.query('ROLLBACK');
      throw error;
    }
  };

  beforeAll(async () => {
    opened = await openMigratedDatabase('edc-guards-spec');
    ({ database, runtime } = opened);
    const { rows } = await runtime.query(
      `INSERT INTO patients (protocol_id, subject_number, site_id, treatment_arm) VALUES ('P1', 'G-001', 'S01', 'Active') RETURNING id`,
    );
    patientId = rows[0].id;
  });
  afterAll(() => opened?.close());

  it('refuses a write to a locked visit with CT409 naming who locked it and when, and lets other visits be written', async () => {
    await runtime.query(`INSERT INTO edc_locks (patient_id, visit_name, locked_by_username) VALUES ($1, 'Week 4', 'dm.lock')`, [patientId]);
    const refused = await insertVital('Week 4').then(
      () => ({ code: 'stored', message: '' }),
      (error: { code: string; message: string }) => error,
    );
    expect(refused.code).toBe('CT409');
    expect(refused.message).toMatch(/^Visit Week 4 of subject G-001 is locked by dm\.lock since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; unlock it/);
    await expect(insertVital('Day 1')).resolves.toMatchObject({ rowCount: 1 });
    expect((await runtime.query(`SELECT count(*)::int AS n FROM vital_signs WHERE visit_name = 'Week 4'`)).rows[0].n).toBe(0);
  });

  it('refuses a correction that moves a record into or out of a locked visit', async () => {
    const { rows } = await runtime.query(`SELECT id FROM vital_signs WHERE visit_name = 'Day 1'`);
    await expect(inTransaction('wrong visit', `UPDATE vital_signs SET visit_name = 'Week 4' WHERE id = $1`, [rows[0].id])).rejects.toMatchObject({ code: 'CT409' });
  });

  it('refuses every write to a subject locked as a whole, and writes again once unlocked with a reason', async () => {
    await runtime.query(`INSERT INTO edc_locks (patient_id, locked_by_username) VALUES ($1, 'dm.whole')`, [patientId]);
    await expect(insertVital('Week 12')).rejects.toMatchObject({ code: 'CT409', message: expect.stringMatching(/^All data of subject G-001 is locked by dm\.whole/) });
    await expect(
      runtime.query(
        `INSERT INTO adverse_events (patient_id, term, body_system, onset_date, severity_grade, serious, relationship, outcome, action_taken)
         VALUES ($1, 'Headache', 'Nervous system disorders', '2026-01-05', 1, false, 'not_related', 'recovered', 'none')`,
        [patientId],
      ),
    ).rejects.toMatchObject({ code: 'CT409' });
    await expect(inTransaction('demographics', `UPDATE patients SET demographics = '{"sex":"F"}' WHERE id = $1`, [patientId])).rejects.toMatchObject({ code: 'CT409' });
    await runtime.query(`UPDATE edc_locks SET unlocked_at = now(), unlock_reason = 'query answered' WHERE unlocked_at IS NULL`);
    await expect(insertVital('Week 12')).resolves.toMatchObject({ rowCount: 1 });
  });

  it('invalidates a valid signature when signed data changes, recording the change (never before the signing), and leaves it invalid', async () => {
    await runtime.query(
      `INSERT INTO edc_signatures (patient_id, signer_id, signer_username, signer_full_name, meaning)
       VALUES ($1, gen_random_uuid(), 'dr.who', 'Dr Who', 'I approve the data as complete and accurate')`,
      [patientId],
    );
    const { rows } = await runtime.query(`SELECT id FROM vital_signs WHERE visit_name = 'Day 1'`);
    await inTransaction('transcription error', `UPDATE vital_signs SET systolic_bp = 125 WHERE id = $1`, [rows[0].id]);
    const signature = (await runtime.query(`SELECT signed_at, invalidated_at, invalidated_by FROM edc_signatures`)).rows[0];
    expect(signature.invalidated_at).toBeInstanceOf(Date);
    expect(signature.invalidated_at.getTime()).toBeGreaterThanOrEqual(signature.signed_at.getTime());
    expect(signature.invalidated_by).toMatchObject({
      entity_type: 'vital_sign',
      action: 'update',
      entity_ids: [rows[0].id],
      reason: 'transcription error',
      username: 'dm.jones',
    });
    await insertVital('Unscheduled');
    expect((await runtime.query(`SELECT invalidated_by ->> 'reason' AS reason FROM edc_signatures`)).rows[0].reason).toBe('transcription error');
  });

  it('invalidates a signature when a transaction that began before the signing writes after it', async () => {
    const early = new pg.Client({ connectionString: database.url });
    await early.connect();
    try {
      await early.query('BEGIN');
      await early.query('SELECT 1');
      const { rows } = await runtime.query(
        `INSERT INTO edc_signatures (patient_id, signer_id, signer_username, signer_full_name, meaning)
         VALUES ($1, gen_random_uuid(), 'dr.late', 'Dr Late', 'I approve the data as complete and accurate') RETURNING id, signed_at`,
        [patientId],
      );
      await early.query(
        `INSERT INTO vital_signs (patient_id, visit_name, systolic_bp, diastolic_bp, heart_rate, temperature, data_batch)
         VALUES ($1, 'Week 16', 118, 76, 66, 36.6, gen_random_uuid())`,
        [patientId],
      );
      await early.query('COMMIT');
      const after = (await runtime.query(`SELECT invalidated_at FROM edc_signatures WHERE id = $1`, [rows[0].id])).rows[0];
      expect(after.invalidated_at.getTime()).toBeGreaterThanOrEqual(rows[0].signed_at.getTime());
    } finally {
      await early.end();
    }
  });

  it('stores a record again once the earlier one with its key is entered in error', async () => {
    await insertVital('Week 8');
    await expect(insertVital('Week 8')).rejects.toMatchObject({ code: '23505' });
    await inTransaction('wrong subject', `UPDATE vital_signs SET entered_in_error_at = now(), entered_in_error_reason = 'wrong subject' WHERE visit_name = 'Week 8'`);
    await expect(insertVital('Week 8', 131)).resolves.toMatchObject({ rowCount: 1 });
  });
});
