import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events are chained by a sealing step instead of inside every writing transaction.
 *
 * Chaining at insert time took one global lock per transaction and held it until commit, so every
 * write of the platform queued behind every other. Now an event is written without a lock and
 * queued; `audit_seal()` (run every AUDIT_SEAL_INTERVAL_MS by the platform, and by verify and
 * export) appends the committed events to `audit_chain` in order, each link hashing the event with
 * the previous link's hash, exactly as before. Both tables are append-only.
 */
export class AuditChainSealing1764300000000 implements MigrationInterface {
  name = 'AuditChainSealing1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_chain (
        position      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_seq     bigint NOT NULL UNIQUE,
        previous_hash char(64),
        hash          char(64) NOT NULL,
        sealed_at     timestamptz NOT NULL DEFAULT now()
      )`);
    // Links made at insert time move over unchanged: the hash formula is the same.
    await db.query(`
      INSERT INTO audit_chain (event_seq, previous_hash, hash)
      SELECT seq, previous_hash, hash FROM audit_events ORDER BY seq`);
    await db.query(`CREATE TABLE audit_unsealed (seq bigint PRIMARY KEY)`);

    await db.query(`DROP TRIGGER audit_events_chain ON audit_events`);
    await db.query(`DROP FUNCTION audit_events_chain()`);
    await db.query(`ALTER TABLE audit_events DROP COLUMN previous_hash, DROP COLUMN hash`);

    await db.query(`
      CREATE FUNCTION audit_events_stamp() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        NEW.seq := nextval('audit_events_seq');
        NEW.occurred_at := clock_timestamp();
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_stamp BEFORE INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_stamp()`);
    await db.query(`
      CREATE FUNCTION audit_events_enqueue() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_unsealed (seq) SELECT seq FROM inserted;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_enqueue AFTER INSERT ON audit_events
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_events_enqueue()`);

    // One sealer at a time (the lock is held to commit), so the chain never forks.
    await db.query(`
      CREATE FUNCTION audit_seal(max_events integer, wait boolean) RETURNS integer
      LANGUAGE plpgsql AS $$
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
          INSERT INTO audit_chain (event_seq, previous_hash, hash)
          VALUES (event.seq, last_hash, audit_event_hash(last_hash, event))
          RETURNING hash INTO last_hash;
          sealed := sealed || event.seq;
        END LOOP;
        DELETE FROM audit_unsealed WHERE seq = ANY (sealed);
        RETURN cardinality(sealed);
      END $$`);

    await db.query(`
      CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`SELECT audit_seal(NULL, true)`);
    await db.query(`DROP TRIGGER audit_chain_no_truncate ON audit_chain`);
    await db.query(`DROP TRIGGER audit_chain_append_only ON audit_chain`);
    await db.query(`DROP FUNCTION audit_seal(integer, boolean)`);
    await db.query(`DROP TRIGGER audit_events_enqueue ON audit_events`);
    await db.query(`DROP FUNCTION audit_events_enqueue()`);
    await db.query(`DROP TRIGGER audit_events_stamp ON audit_events`);
    await db.query(`DROP FUNCTION audit_events_stamp()`);
    await db.query(`ALTER TABLE audit_events ADD COLUMN previous_hash char(64), ADD COLUMN hash char(64)`);
    await db.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    await db.query(`
      UPDATE audit_events e SET previous_hash = c.previous_hash, hash = c.hash
        FROM audit_chain c WHERE c.event_seq = e.seq`);
    await db.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    await db.query(`ALTER TABLE audit_events ALTER COLUMN hash SET NOT NULL`);
    await db.query(`
      CREATE FUNCTION audit_events_chain() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(7301953);
        NEW.seq := nextval('audit_events_seq');
        NEW.occurred_at := clock_timestamp();
        SELECT hash INTO NEW.previous_hash FROM audit_events ORDER BY seq DESC LIMIT 1;
        NEW.hash := audit_event_hash(NEW.previous_hash, NEW);
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_chain()`);
    await db.query(`DROP TABLE audit_unsealed`);
    await db.query(`DROP TABLE audit_chain`);
  }
}
