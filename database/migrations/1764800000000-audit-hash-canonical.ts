import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Version 2 of what an audit link hashes: a canonical JSON array of the version, the previous
 * hash and every field, so no field's text can move into another without changing the hash
 * (version 1 joined the fields with '|', skipping NULLs, which made that possible). Links sealed
 * before keep version 1 and are verified as they were made; the first version-2 link chains on
 * the last version-1 hash, so nothing is rewritten.
 */
export class AuditHashCanonical1764800000000 implements MigrationInterface {
  name = 'AuditHashCanonical1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_chain ADD COLUMN hash_version smallint NOT NULL DEFAULT 1`);
    // Time as epoch seconds: the text form of a timestamptz depends on the session's time zone.
    await db.query(`
      CREATE FUNCTION audit_event_hash_v2(previous_hash text, e audit_events) RETURNS char(64)
      LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(jsonb_build_array(
          2, previous_hash, e.seq, e.id, extract(epoch FROM e.occurred_at)::text, e.user_id, e.username, e.role,
          e.action, e.entity_type, e.entity_id, e.subject, e.client_address, e.request_id, e.changes, e.reason
        )::text, 'UTF8')), 'hex')
      $$`);
    await db.query(`
      CREATE FUNCTION audit_link_hash(version smallint, previous_hash text, e audit_events) RETURNS char(64)
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE version WHEN 1 THEN audit_event_hash(previous_hash, e) ELSE audit_event_hash_v2(previous_hash, e) END
      $$`);
    await db.query(sealFunction('audit_event_hash_v2(last_hash, event)', ', hash_version', ', 2'));
    await db.query(`ALTER TABLE audit_chain ALTER COLUMN hash_version SET DEFAULT 2`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Links sealed under version 2 would no longer verify under version 1 alone: a revert would
    // make an intact trail look tampered with.
    await db.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM audit_chain WHERE hash_version = 2) THEN
          RAISE EXCEPTION 'the audit chain holds version-2 links: reverting this migration would make them fail verification';
        END IF;
      END $$`);
    await db.query(sealFunction('audit_event_hash(last_hash, event)', '', ''));
    await db.query(`DROP FUNCTION audit_link_hash(smallint, text, audit_events)`);
    await db.query(`DROP FUNCTION audit_event_hash_v2(text, audit_events)`);
    await db.query(`ALTER TABLE audit_chain DROP COLUMN hash_version`);
  }
}

/** audit_seal() as 1764300000000 made it, run as its owner since 1764400000000, with the given hash. */
function sealFunction(hash: string, versionColumn: string, versionValue: string): string {
  return `
    CREATE OR REPLACE FUNCTION audit_seal(max_events integer, wait boolean) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      last_hash text;
      event audit_events;
      sealed bigint[] := '{}';
    BEGIN
      IF wait THEN
        PERFORM pg_advisory_xact_lock(7301953);
      ELSIF NOT pg_try_advisory_xact_lock(7301953) THEN
        RETURN 0;
      END IF;
      SELECT hash INTO last_hash FROM audit_chain ORDER BY position DESC LIMIT 1;
      FOR event IN
        SELECT e.* FROM audit_unsealed u JOIN audit_events e ON e.seq = u.seq ORDER BY u.seq LIMIT max_events
      LOOP
        INSERT INTO audit_chain (event_seq, previous_hash, hash${versionColumn})
        VALUES (event.seq, last_hash, ${hash}${versionValue})
        RETURNING hash INTO last_hash;
        sealed := sealed || event.seq;
      END LOOP;
      DELETE FROM audit_unsealed WHERE seq = ANY (sealed);
      RETURN cardinality(sealed);
    END $$`;
}
