import { type MigratedDatabase, openMigratedDatabase } from '../../../../test/support/migrated-database.js';
import { EXPORTS_BUSY_RETRY_SECONDS, ExportsBusyException, ExportSnapshots, MAX_CONCURRENT_EXPORTS } from './export-snapshot.js';

/**
 * The snapshot an export reads, on a real PostgreSQL as the services' login: read-only REPEATABLE
 * READ (what it counted is what it streams, whatever commits meanwhile), rows fetched from a
 * cursor as they are read (bounded memory), and its connection back in the pool however the stream ends.
 */
describe('ExportSnapshots', () => {
  let opened: MigratedDatabase | undefined;
  let snapshots: ExportSnapshots;

  beforeAll(async () => {
    opened = await openMigratedDatabase('analytics-export-snapshot-spec');
    snapshots = new ExportSnapshots(opened.connection.dataSource);
  });
  afterAll(() => opened?.close());

  const idleInTransaction = async (): Promise<number> =>
    (await opened!.database.admin(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`)).rows[0].n;

  it('is read-only and REPEATABLE READ: a commit made meanwhile is not seen', async () => {
    const snapshot = await snapshots.open();
    try {
      const [settings] = await snapshot.rows<{ isolation: string; read_only: string }>({
        text: `SELECT current_setting('transaction_isolation') AS isolation, current_setting('transaction_read_only') AS read_only`,
        values: [],
      });
      expect(settings).toEqual({ isolation: 'repeatable read', read_only: 'on' });
      const count = { text: `SELECT count(*)::int AS n FROM audit_events`, values: [] };
      const [before] = await snapshot.rows<{ n: number }>(count);
      await opened!.database.admin(`INSERT INTO audit_events (action, entity_type) VALUES ('export', 'snapshot_spec')`);
      expect(await snapshot.rows<{ n: number }>(count)).toEqual([before]);
      await expect(snapshot.rows({ text: `INSERT INTO audit_events (action, entity_type) VALUES ('export', 'x')`, values: [] })).rejects.toThrow(/read-only/);
    } finally {
      await snapshot.close(true);
    }
  });

  it('fetches rows from the server as they are read, a batch at a time, never the whole result at once', async () => {
    const snapshot = await snapshots.open();
    const rows = 20_000;
    const times: number[] = [];
    try {
      // clock_timestamp() is evaluated when the server produces a row: a cursor produces them as they are asked for.
      const query = { text: `SELECT g, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS at FROM generate_series(1, $1::int) g`, values: [rows] };
      for await (const row of snapshot.stream<{ g: number; at: number }>(query)) {
        times.push(row.at);
        if (row.g === 1) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      await snapshot.close();
    } catch (error) {
      await snapshot.close(true);
      throw error;
    }
    expect(times).toHaveLength(rows);
    const producedBeforeThePause = times.filter((at) => at < times[0] + 250).length;
    expect(producedBeforeThePause).toBeGreaterThanOrEqual(1);
    expect(producedBeforeThePause).toBeLessThanOrEqual(2_000);
    expect(times[rows - 1] - times[0]).toBeGreaterThanOrEqual(250);
  });

  it('gives its connection back when the reader stops early, and the pool serves the next export', async () => {
    const snapshot = await snapshots.open();
    let taken = 0;
    for await (const row of snapshot.stream<{ g: number }>({ text: `SELECT g FROM generate_series(1, 100000) g`, values: [] })) {
      taken = row.g;
      if (taken === 3) break;
    }
    let openDuringTheStream: number;
    try {
      openDuringTheStream = await idleInTransaction();
    } finally {
      await snapshot.close(true);
    }
    expect(taken).toBe(3);
    expect(openDuringTheStream).toBe(1);
    expect(await idleInTransaction()).toBe(0);
    const next = await snapshots.open();
    expect(await next.rows<{ one: number }>({ text: 'SELECT 1 AS one', values: [] })).toEqual([{ one: 1 }]);
    await next.close();
  });

  it(`streams at most ${MAX_CONCURRENT_EXPORTS} exports at once: the next is refused with 503 and Retry-After until one ends`, async () => {
    expect(MAX_CONCURRENT_EXPORTS).toBe(2);
    const held = [await snapshots.open(), await snapshots.open()];
    const streams = held.map((snapshot) => snapshot.stream<{ g: number }>({ text: `SELECT g FROM generate_series(1, 100000) g`, values: [] }));
    const end = async (index: number) => {
      await streams[index].return(undefined);
      await held[index].close(true);
    };
    try {
      // Both are mid-stream: a row read, the rest waiting for their clients.
      for (const stream of streams) expect((await stream.next()).value).toEqual({ g: 1 });
      const refused = await snapshots.open().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ExportsBusyException);
      const busy = refused as ExportsBusyException;
      expect({ status: busy.getStatus(), retryAfter: busy.retryAfterSeconds, message: busy.message }).toEqual({
        status: 503,
        retryAfter: EXPORTS_BUSY_RETRY_SECONDS,
        message: expect.stringMatching(/^2 exports are running in this service, the most it streams at once .*try again in 10 seconds$/),
      });
      await end(0);
      const next = await snapshots.open();
      expect(await next.rows<{ one: number }>({ text: 'SELECT 1 AS one', values: [] })).toEqual([{ one: 1 }]);
      await next.close();
    } finally {
      await end(0);
      await end(1);
    }
    // Every slot is back: two more open.
    const again = [await snapshots.open(), await snapshots.open()];
    for (const snapshot of again) await snapshot.close();
  });
});
