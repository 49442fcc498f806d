import pg from 'pg';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';
import { newSubjectId, vitalRecord } from '../support/vitals-fixtures.js';

describe('shutdown', () => {
  let platform: PlatformUnderTest;

  beforeAll(async () => {
    platform = await startPlatform('all-in-one');
  });
  afterAll(() => platform?.close());

  it('finishes a request in flight before closing the database pool, and commits its data', async () => {
    const blocker = new pg.Client({ connectionString: platform.database!.url });
    await blocker.connect();
    const subject = newSubjectId();
    try {
      // Hold the table so the store is still running when shutdown starts.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE vital_signs IN ACCESS EXCLUSIVE MODE');
      const inFlight = platform.admin.post('/edc/store-vitals').send({ records: [vitalRecord({ SubjectID: subject })] }).then((r) => r);
      await waitUntil(async () => {
        const waiting = await blocker.query("SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'vital_signs'::regclass");
        return waiting.rows[0].n > 0;
      });
      const [app] = platform.apps;
      const closing = app.close();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await blocker.query('COMMIT');
      const response = await inFlight;
      await closing;
      platform.apps.length = 0;
      expect(response.status).toBe(201);
      expect(response.body.records_stored).toBe(1);
      const stored = await blocker.query(
        'SELECT count(*)::int AS n FROM vital_signs v JOIN patients p ON p.id = v.patient_id WHERE p.subject_number = $1',
        [subject],
      );
      expect(stored.rows[0].n).toBe(1);
    } finally {
      await blocker.end();
    }
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
