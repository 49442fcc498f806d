import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EmbeddedDatabaseInUseError, EmbeddedPostgres, isProcessAlive } from './embedded-postgres.js';


async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('EmbeddedPostgres', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ctp-embedded-spec-'));
    await chmod(folder, 0o755);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('runs a real PostgreSQL, refuses a second server on the same folder, stops cleanly and keeps the data', async () => {
    const first = new EmbeddedPostgres(folder);
    await first.start();
    let pid = 0;
    try {
      await query(first.url, 'CREATE TABLE kept (value text); INSERT INTO kept VALUES ($$survives restarts$$)');
      const version = await query(first.url, 'SHOW server_version_num');
      expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(150000);
      pid = Number((await readFile(join(first.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

      const second = new EmbeddedPostgres(folder);
      await expect(second.start()).rejects.toThrow(EmbeddedDatabaseInUseError);
      await expect(second.start()).rejects.toThrow(/already in use by another process/);
    } finally {
      await first.stop();
    }
    expect(isProcessAlive(pid)).toBe(false);

    const restarted = new EmbeddedPostgres(folder);
    await restarted.start();
    try {
      const rows = await query(restarted.url, 'SELECT value FROM kept');
      expect(rows.rows).toEqual([{ value: 'survives restarts' }]);
    } finally {
      await restarted.stop();
    }
  });
});
