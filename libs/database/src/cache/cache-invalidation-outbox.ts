import type { DataSource, EntityManager } from 'typeorm';

/**
 * The `cache_invalidations` table: tags whose bump may not have reached Redis. Rows are written in
 * the transaction of the change they invalidate (or, failing that, right after a bump fails) and
 * deleted by whichever process applies them to the shared Redis first.
 */
export class CacheInvalidationOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /** In the caller's transaction, so the invalidation commits (or rolls back) with the change. */
  async record(db: EntityManager, tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    await db.query('INSERT INTO cache_invalidations (tag) SELECT DISTINCT unnest($1::text[])', [tags]);
  }

  /** Outside any transaction: for a bump that failed after its change had already committed. */
  recordLate(tags: string[]): Promise<void> {
    return this.record(this.dataSource.manager, tags);
  }

  /**
   * Takes up to `limit` recorded invalidations and deletes them only if `apply` succeeds (the
   * delete commits after the bump), so a crash or an unreachable Redis leaves them for the next
   * attempt. Concurrent drainers wait on each other's rows instead of applying them twice.
   * Returns how many rows were applied.
   */
  async drain(apply: (tags: string[]) => Promise<void>, limit: number): Promise<number> {
    return this.dataSource.transaction('READ COMMITTED', async (db) => {
      const rows = (await db.query(
        `DELETE FROM cache_invalidations
          WHERE id IN (SELECT id FROM cache_invalidations ORDER BY id LIMIT $1)
          RETURNING tag`,
        [limit],
      )) as [Array<{ tag: string }>, number];
      const tags = [...new Set(rows[0].map((row) => row.tag))];
      if (tags.length > 0) await apply(tags);
      return rows[0].length;
    });
  }

  /**
   * Drops invalidations older than every entry they could still affect (entries never outlive
   * `maxEntrySeconds`), so a Redis that stays unreachable does not make the table grow forever.
   */
  async prune(maxEntrySeconds: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM cache_invalidations WHERE created_at < now() - make_interval(secs => $1)`, [maxEntrySeconds]);
  }
}
