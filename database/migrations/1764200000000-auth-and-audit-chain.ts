import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login sessions with rotating refresh tokens, and a tamper-evident audit trail: append-only in
 * the database itself, each event hashed together with its predecessor's hash.
 */
export class AuthAndAuditChain1764200000000 implements MigrationInterface {
  name = 'AuthAndAuditChain1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE auth_sessions (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id        uuid NOT NULL REFERENCES users (id),
        client_address varchar(64),
        created_at     timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        revoked_at     timestamptz,
        revoked_reason varchar(64)
      )`);
    await db.query(`CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        session_id  uuid NOT NULL REFERENCES auth_sessions (id),
        token_hash  char(64) NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        used_at     timestamptz
      )`);

    await db.query(`CREATE SEQUENCE audit_events_seq`);
    await db.query(`
      ALTER TABLE audit_events
        ADD COLUMN seq bigint,
        ADD COLUMN subject varchar(64),
        ADD COLUMN previous_hash char(64),
        ADD COLUMN hash char(64),
        ALTER COLUMN role TYPE varchar(200)`);
    await db.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_key UNIQUE (seq)`);
    // Changes to captured clinical data must say why.
    await db.query(`
      ALTER TABLE audit_events ADD CONSTRAINT audit_events_reason_for_change CHECK (
        reason IS NOT NULL OR entity_type NOT IN ('patient', 'vital_sign') OR action NOT IN ('update', 'correct', 'delete')
      )`);
    await db.query(`CREATE INDEX audit_events_subject_idx ON audit_events (subject, seq)`);
    await db.query(`CREATE INDEX audit_events_user_idx ON audit_events (user_id, seq)`);
    await db.query(`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, seq)`);
    await db.query(`CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at)`);

    // What the hash covers: every column but the hashes, in a fixed text form.
    await db.query(`
      CREATE FUNCTION audit_event_content(e audit_events) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT concat_ws('|', e.seq, e.id, extract(epoch FROM e.occurred_at)::text, e.user_id, e.username, e.role,
                         e.action, e.entity_type, e.entity_id, e.subject, e.client_address, e.request_id,
                         e.changes::text, e.reason)
      $$`);
    await db.query(`
      CREATE FUNCTION audit_event_hash(previous_hash text, e audit_events) RETURNS char(64)
      LANGUAGE sql IMMUTABLE AS $$
        SELECT encode(sha256(convert_to(coalesce(previous_hash, '') || '|' || audit_event_content(e), 'UTF8')), 'hex')
      $$`);
    // One writer at a time extends the chain (the lock is held to commit), so it never forks, and
    // the position is drawn under that lock, so chain order and seq order are the same.
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
    await db.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
    await db.query(`ALTER TABLE audit_events ALTER COLUMN hash SET NOT NULL, ALTER COLUMN seq SET NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER audit_events_no_truncate ON audit_events`);
    await db.query(`DROP TRIGGER audit_events_append_only ON audit_events`);
    await db.query(`DROP TRIGGER audit_events_chain ON audit_events`);
    await db.query(`DROP FUNCTION audit_events_refuse_change(), audit_events_chain()`);
    await db.query(`DROP FUNCTION audit_event_hash(text, audit_events), audit_event_content(audit_events)`);
    await db.query(`DROP INDEX audit_events_occurred_idx, audit_events_entity_idx, audit_events_user_idx, audit_events_subject_idx`);
    await db.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_reason_for_change, DROP CONSTRAINT audit_events_seq_key`);
    await db.query(`ALTER TABLE audit_events DROP COLUMN hash, DROP COLUMN previous_hash, DROP COLUMN subject, DROP COLUMN seq`);
    await db.query(`DROP SEQUENCE audit_events_seq`);
    await db.query(`DROP TABLE refresh_tokens`);
    await db.query(`DROP TABLE auth_sessions`);
  }
}
