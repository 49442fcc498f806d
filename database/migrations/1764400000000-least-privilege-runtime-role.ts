import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The running services connect as a member of `ctp_runtime`, a role with only the privileges
 * each table needs; migrations run as the role that owns the schema. The runtime can append to
 * the audit trail but never change or remove it, and can change captured clinical data only with
 * a reason for change, which a trigger records as an audit event in the same transaction.
 *
 * Functions the runtime calls to write what it may not write directly run as their owner
 * (SECURITY DEFINER) with a fixed search path, so they cannot be redirected to other objects.
 *
 * Every later migration that adds a table grants `ctp_runtime` exactly what the services need.
 */
export const RUNTIME_ROLE = 'ctp_runtime';

const TABLE_PRIVILEGES: Record<string, string> = {
  users: 'SELECT, INSERT, UPDATE',
  auth_sessions: 'SELECT, INSERT, UPDATE',
  refresh_tokens: 'SELECT, INSERT, UPDATE',
  patients: 'SELECT, INSERT, UPDATE, DELETE',
  vital_signs: 'SELECT, INSERT, UPDATE, DELETE',
  documents: 'SELECT, INSERT, UPDATE',
  mcp_context: 'SELECT, INSERT, UPDATE, DELETE',
  audit_events: 'SELECT, INSERT',
  audit_chain: 'SELECT',
  audit_unsealed: 'SELECT',
  schema_migrations: 'SELECT',
};

const DEFINER = `SECURITY DEFINER SET search_path = public, pg_temp`;

export class LeastPrivilegeRuntimeRole1764400000000 implements MigrationInterface {
  name = 'LeastPrivilegeRuntimeRole1764400000000';

  async up(db: QueryRunner): Promise<void> {
    // Roles belong to the whole server: another database of it may have made this one already.
    await db.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RUNTIME_ROLE}') THEN
          CREATE ROLE ${RUNTIME_ROLE} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    // Nobody but the owner creates objects in the schema: a function the runtime could create there
    // might be chosen over a built-in by the SECURITY DEFINER functions below (PostgreSQL 14 and
    // older, and clusters upgraded from them, still allow it by default). Without the privilege to
    // revoke it (the schema belongs to someone else), PostgreSQL warns and the start-up check refuses.
    await db.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await db.query(`GRANT USAGE ON SCHEMA public TO ${RUNTIME_ROLE}`);
    for (const [table, privileges] of Object.entries(TABLE_PRIVILEGES)) {
      await db.query(`GRANT ${privileges} ON ${table} TO ${RUNTIME_ROLE}`);
    }

    // Stamping and queueing an event write what the runtime may not: they run as the owner.
    await db.query(`ALTER FUNCTION audit_events_stamp() ${DEFINER}`);
    await db.query(`ALTER FUNCTION audit_events_enqueue() ${DEFINER}`);
    await db.query(`ALTER FUNCTION audit_seal(integer, boolean) ${DEFINER}`);
    await db.query(`REVOKE EXECUTE ON FUNCTION audit_seal(integer, boolean) FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION audit_seal(integer, boolean) TO ${RUNTIME_ROLE}`);

    // A change to captured clinical data is refused unless the transaction states a reason
    // (set_config('ctp.change_reason', ..., true)); the trigger then writes the audit event from the
    // row's own old and new values, with the actor the transaction names (ctp.actor).
    await db.query(`
      CREATE FUNCTION clinical_change_audit() RETURNS trigger
      LANGUAGE plpgsql ${DEFINER} AS $$
      DECLARE
        reason text := nullif(btrim(current_setting('ctp.change_reason', true)), '');
        actor jsonb := coalesce(nullif(current_setting('ctp.actor', true), '')::jsonb, '{}'::jsonb);
        before jsonb := to_jsonb(OLD);
        after jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(NEW) END;
        subject_number text;
        changed jsonb;
      BEGIN
        IF reason IS NULL THEN
          RAISE EXCEPTION '% of % needs a reason for change', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'State the reason in the same transaction: set_config(''ctp.change_reason'', reason, true)';
        END IF;
        IF TG_TABLE_NAME = 'patients' THEN
          subject_number := OLD.subject_number;
        ELSE
          SELECT p.subject_number INTO subject_number FROM patients p WHERE p.id = OLD.patient_id;
        END IF;
        SELECT jsonb_object_agg(field, jsonb_build_object('old', before -> field, 'new', after -> field))
          INTO changed
          FROM jsonb_object_keys(before) AS field
         WHERE after IS NULL OR before -> field IS DISTINCT FROM after -> field;
        INSERT INTO audit_events (user_id, username, role, client_address, request_id,
                                  action, entity_type, entity_id, subject, changes, reason)
        VALUES ((actor ->> 'userId')::uuid, left(actor ->> 'username', 64), left(actor ->> 'role', 200),
                left(actor ->> 'clientAddress', 64), left(actor ->> 'requestId', 128),
                CASE TG_OP WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
                CASE TG_TABLE_NAME WHEN 'patients' THEN 'patient' ELSE 'vital_sign' END,
                OLD.id::text, subject_number, changed, reason);
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    for (const table of ['patients', 'vital_signs']) {
      await db.query(`
        CREATE TRIGGER ${table}_audited_change BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION clinical_change_audit()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['patients', 'vital_signs']) await db.query(`DROP TRIGGER ${table}_audited_change ON ${table}`);
    await db.query(`DROP FUNCTION clinical_change_audit()`);
    await db.query(`GRANT EXECUTE ON FUNCTION audit_seal(integer, boolean) TO PUBLIC`);
    for (const fn of ['audit_events_stamp()', 'audit_events_enqueue()', 'audit_seal(integer, boolean)']) {
      await db.query(`ALTER FUNCTION ${fn} SECURITY INVOKER RESET search_path`);
    }
    await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${RUNTIME_ROLE}`);
    await db.query(`REVOKE ALL ON FUNCTION audit_seal(integer, boolean) FROM ${RUNTIME_ROLE}`);
    await db.query(`REVOKE USAGE ON SCHEMA public FROM ${RUNTIME_ROLE}`);
  }
}
