import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

const DEFINER = `SECURITY DEFINER SET search_path = public, pg_temp`;

/**
 * The EDC becomes a trial: studies with sites, arms and a visit schedule; subjects enrolled and
 * randomized; adverse events; entered-in-error instead of deletion; locks and e-signatures.
 *
 * Rules the database itself enforces, whatever path a write takes:
 * - a change to a patient, vital sign or adverse event needs a reason (`ctp.change_reason`) and is
 *   audited from the row's old and new values (the trigger of 1764400000000, now for adverse
 *   events too);
 * - a write to locked data is refused (SQLSTATE `CT409`, a message naming who locked it and when);
 * - a write to signed data invalidates the signature, recording the change that did it.
 *
 * Other services read EDC data only through the `edc_*` views at the end (never the tables).
 */
export class EdcTrialDesign1764900000000 implements MigrationInterface {
  name = 'EdcTrialDesign1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE studies (
        protocol_id               varchar(64) PRIMARY KEY,
        title                     varchar(300) NOT NULL,
        status                    varchar(16) NOT NULL DEFAULT 'set_up' CHECK (status IN ('set_up', 'enrolling', 'closed')),
        baseline_visit            varchar(64),
        subject_id_format         varchar(100),
        allow_new_sites           boolean NOT NULL DEFAULT false,
        allow_unscheduled_visits  boolean NOT NULL DEFAULT false,
        allow_unlisted_arms       boolean NOT NULL DEFAULT false,
        randomization_seed        text,
        randomization_block_sizes smallint[] NOT NULL DEFAULT '{4,6}',
        stratification_factors    text[] NOT NULL DEFAULT '{}',
        created_at                timestamptz NOT NULL DEFAULT now(),
        updated_at                timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE study_sites (
        protocol_id varchar(64) NOT NULL REFERENCES studies (protocol_id),
        site_id     varchar(64) NOT NULL,
        name        varchar(200),
        active      boolean NOT NULL DEFAULT true,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (protocol_id, site_id)
      )`);
    await db.query(`
      CREATE TABLE study_arms (
        protocol_id      varchar(64) NOT NULL REFERENCES studies (protocol_id),
        arm_code         varchar(64) NOT NULL,
        description      varchar(300),
        allocation_ratio smallint NOT NULL DEFAULT 1 CHECK (allocation_ratio BETWEEN 1 AND 20),
        display_order    smallint NOT NULL DEFAULT 0,
        PRIMARY KEY (protocol_id, arm_code)
      )`);
    await db.query(`
      CREATE TABLE study_visits (
        protocol_id   varchar(64) NOT NULL REFERENCES studies (protocol_id),
        visit_name    varchar(64) NOT NULL,
        display_order smallint NOT NULL,
        planned_day   integer NOT NULL CHECK (planned_day <> 0),
        window_before integer NOT NULL DEFAULT 0 CHECK (window_before >= 0),
        window_after  integer NOT NULL DEFAULT 0 CHECK (window_after >= 0),
        required      boolean NOT NULL DEFAULT true,
        PRIMARY KEY (protocol_id, visit_name)
      )`);

    // Subjects: enrolled before they have an arm; how the arm was given; status with its date and reason.
    await db.query(`ALTER TABLE patients ALTER COLUMN treatment_arm DROP NOT NULL`);
    await db.query(`ALTER TABLE patients ALTER COLUMN enrollment_date DROP NOT NULL`);
    await db.query(`ALTER TABLE patients DROP CONSTRAINT patients_status_check`);
    await db.query(`
      ALTER TABLE patients
        ADD COLUMN consent_date date,
        ADD COLUMN randomized_by_platform boolean NOT NULL DEFAULT false,
        ADD COLUMN randomized_at timestamptz,
        ADD COLUMN status_date date,
        ADD COLUMN status_reason text`);
    await db.query(`SET LOCAL ctp.change_reason = 'status vocabulary of the EDC trial design: screening is now screened'`);
    await db.query(`UPDATE patients SET status = 'screened' WHERE status = 'screening'`);
    await db.query(`
      ALTER TABLE patients ADD CONSTRAINT patients_status_check
        CHECK (status IN ('screened', 'enrolled', 'randomized', 'completed', 'withdrawn', 'screen_failed'))`);

    // Permuted blocks: the slots taken so far. The list itself is never stored ahead of use; it is
    // derived from the study's secret seed when the next slot is needed.
    await db.query(`
      CREATE TABLE randomization_slots (
        protocol_id  varchar(64) NOT NULL REFERENCES studies (protocol_id),
        stratum      text NOT NULL,
        slot_number  integer NOT NULL CHECK (slot_number > 0),
        block_number integer NOT NULL CHECK (block_number > 0),
        block_size   smallint NOT NULL,
        arm_code     varchar(64) NOT NULL,
        patient_id   uuid NOT NULL UNIQUE REFERENCES patients (id),
        assigned_at  timestamptz NOT NULL DEFAULT now(),
        assigned_by  uuid,
        PRIMARY KEY (protocol_id, stratum, slot_number)
      )`);

    // Entered in error: hidden from reads and analyses, never deleted. A record entered in error
    // frees its natural key, so the right values can be captured again.
    await db.query(`
      ALTER TABLE vital_signs
        ADD COLUMN entered_in_error_at timestamptz,
        ADD COLUMN entered_in_error_reason text,
        ADD COLUMN updated_at timestamptz`);
    await db.query(`ALTER TABLE vital_signs DROP CONSTRAINT vital_signs_natural_key`);
    await db.query(`
      CREATE UNIQUE INDEX vital_signs_natural_key ON vital_signs (patient_id, visit_name, measurement_time)
        NULLS NOT DISTINCT WHERE entered_in_error_at IS NULL`);
    // A re-sent record whose identical values were entered in error is not stored again: capture
    // looks for such records by key, which this (small) index finds without reading the table.
    await db.query(`
      CREATE INDEX vital_signs_entered_in_error_key ON vital_signs (patient_id, visit_name, measurement_time)
        WHERE entered_in_error_at IS NOT NULL`);

    await db.query(`
      CREATE TABLE adverse_events (
        id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id              uuid NOT NULL REFERENCES patients (id) ON DELETE RESTRICT,
        term                    varchar(200) NOT NULL,
        body_system             varchar(200) NOT NULL,
        onset_date              date NOT NULL,
        end_date                date,
        severity_grade          smallint NOT NULL CHECK (severity_grade BETWEEN 1 AND 5),
        serious                 boolean NOT NULL,
        relationship            varchar(32) NOT NULL,
        outcome                 varchar(32) NOT NULL,
        action_taken            varchar(32) NOT NULL,
        entered_in_error_at     timestamptz,
        entered_in_error_reason text,
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz,
        CONSTRAINT adverse_events_dates CHECK (end_date IS NULL OR end_date >= onset_date)
      )`);
    await db.query(`CREATE INDEX adverse_events_patient_idx ON adverse_events (patient_id, onset_date)`);
    await db.query(`
      CREATE TRIGGER adverse_events_audited_change BEFORE UPDATE OR DELETE ON adverse_events
      FOR EACH ROW EXECUTE FUNCTION clinical_change_audit()`);
    await db.query(clinicalChangeAudit(`CASE TG_TABLE_NAME WHEN 'patients' THEN 'patient' WHEN 'vital_signs' THEN 'vital_sign' ELSE 'adverse_event' END`));

    await db.query(`
      CREATE TABLE edc_locks (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id          uuid NOT NULL REFERENCES patients (id),
        visit_name          varchar(64),
        locked_at           timestamptz NOT NULL DEFAULT now(),
        locked_by           uuid,
        locked_by_username  varchar(64) NOT NULL,
        reason              text,
        unlocked_at         timestamptz,
        unlocked_by         uuid,
        unlocked_by_username varchar(64),
        unlock_reason       text,
        CONSTRAINT edc_locks_unlock_complete CHECK ((unlocked_at IS NULL) = (unlock_reason IS NULL))
      )`);
    // One open lock per subject, or per subject and visit.
    await db.query(`CREATE UNIQUE INDEX edc_locks_open ON edc_locks (patient_id, coalesce(visit_name, '')) WHERE unlocked_at IS NULL`);

    await db.query(`
      CREATE TABLE edc_signatures (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id         uuid NOT NULL REFERENCES patients (id),
        signer_id          uuid NOT NULL,
        signer_username    varchar(64) NOT NULL,
        signer_full_name   varchar(200) NOT NULL,
        meaning            text NOT NULL,
        signed_at          timestamptz NOT NULL DEFAULT now(),
        invalidated_at     timestamptz,
        invalidated_by     jsonb
      )`);
    await db.query(`CREATE INDEX edc_signatures_patient_idx ON edc_signatures (patient_id, signed_at)`);
    await db.query(`CREATE INDEX edc_signatures_valid_idx ON edc_signatures (patient_id) WHERE invalidated_at IS NULL`);

    await db.query(GUARD_FUNCTION);
    // A new subject has no locks or signatures yet: its insert needs no guard.
    for (const table of ['vital_signs', 'adverse_events']) {
      await db.query(`
        CREATE TRIGGER ${table}_guard_insert AFTER INSERT ON ${table}
        REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION edc_guard_clinical_write()`);
    }
    for (const table of ['vital_signs', 'adverse_events', 'patients']) {
      await db.query(`
        CREATE TRIGGER ${table}_guard_update AFTER UPDATE ON ${table}
        REFERENCING OLD TABLE AS previous_rows NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION edc_guard_clinical_write()`);
    }

    await db.query(`
      GRANT SELECT, INSERT, UPDATE ON studies, study_sites, study_arms, study_visits TO ${RUNTIME_ROLE}`);
    // Arms and schedule are replaced as a whole; a site is closed, never removed.
    await db.query(`GRANT DELETE ON study_arms, study_visits TO ${RUNTIME_ROLE}`);
    // Clinical data is never hard-deleted: entered-in-error hides a record and keeps it. (A DELETE
    // would also pass by the lock and signature guard, which watches inserts and updates.)
    await db.query(`REVOKE DELETE ON vital_signs, patients FROM ${RUNTIME_ROLE}`);
    await db.query(`GRANT SELECT, INSERT ON randomization_slots TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT SELECT, INSERT, UPDATE ON adverse_events TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT SELECT, INSERT ON edc_locks, edc_signatures TO ${RUNTIME_ROLE}`);
    await db.query(`GRANT UPDATE (unlocked_at, unlocked_by, unlocked_by_username, unlock_reason) ON edc_locks TO ${RUNTIME_ROLE}`);

    // The EDC's published contract for the quality and analytics services.
    await db.query(`
      CREATE VIEW edc_studies AS
        SELECT protocol_id, title, status, baseline_visit, subject_id_format FROM studies`);
    await db.query(`
      CREATE VIEW edc_study_arms AS
        SELECT protocol_id, arm_code, allocation_ratio, display_order FROM study_arms`);
    await db.query(`
      CREATE VIEW edc_study_visits AS
        SELECT protocol_id, visit_name, display_order, planned_day, window_before, window_after, required FROM study_visits`);
    await db.query(`
      CREATE VIEW edc_subjects AS
        SELECT id AS patient_id, protocol_id, subject_number, site_id, treatment_arm, status,
               randomized_by_platform, enrollment_date, consent_date, demographics
          FROM patients`);
    await db.query(`
      CREATE VIEW edc_vitals AS
        SELECT v.id AS vital_sign_id, p.id AS patient_id, p.protocol_id, p.subject_number, p.site_id, p.treatment_arm,
               v.visit_name, v.visit_date, v.measurement_time, v.systolic_bp, v.diastolic_bp, v.heart_rate,
               v.temperature, v.respiratory_rate, v.data_batch, v.created_at
          FROM vital_signs v JOIN patients p ON p.id = v.patient_id
         WHERE v.entered_in_error_at IS NULL`);
    await db.query(`
      CREATE VIEW edc_adverse_events AS
        SELECT a.id AS adverse_event_id, p.id AS patient_id, p.protocol_id, p.subject_number, p.site_id, p.treatment_arm,
               a.term, a.body_system, a.onset_date, a.end_date, a.severity_grade, a.serious, a.relationship,
               a.outcome, a.action_taken
          FROM adverse_events a JOIN patients p ON p.id = a.patient_id
         WHERE a.entered_in_error_at IS NULL`);
    // Which subject a clinical record belongs to, for the audit trail's site scoping.
    await db.query(`
      CREATE VIEW edc_adverse_event_subjects AS
        SELECT id AS adverse_event_id, patient_id FROM adverse_events`);
    await db.query(`
      GRANT SELECT ON edc_studies, edc_study_arms, edc_study_visits, edc_subjects, edc_vitals, edc_adverse_events,
                      edc_adverse_event_subjects TO ${RUNTIME_ROLE}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM adverse_events) OR EXISTS (SELECT 1 FROM edc_signatures)
           OR EXISTS (SELECT 1 FROM vital_signs WHERE entered_in_error_at IS NOT NULL)
           OR EXISTS (SELECT 1 FROM edc_locks) OR EXISTS (SELECT 1 FROM randomization_slots)
           OR EXISTS (SELECT 1 FROM patients WHERE treatment_arm IS NULL OR status IN ('randomized')) THEN
          RAISE EXCEPTION 'the EDC holds adverse events, signatures, locks, randomizations, records entered in error or subjects without an arm: reverting would lose them';
        END IF;
      END $$`);
    await db.query(`GRANT DELETE ON vital_signs, patients TO ${RUNTIME_ROLE}`);
    for (const view of ['edc_adverse_event_subjects', 'edc_adverse_events', 'edc_vitals', 'edc_subjects', 'edc_study_visits', 'edc_study_arms', 'edc_studies']) {
      await db.query(`DROP VIEW ${view}`);
    }
    for (const table of ['vital_signs', 'adverse_events']) await db.query(`DROP TRIGGER ${table}_guard_insert ON ${table}`);
    for (const table of ['vital_signs', 'adverse_events', 'patients']) await db.query(`DROP TRIGGER ${table}_guard_update ON ${table}`);
    await db.query(`DROP FUNCTION edc_guard_clinical_write()`);
    await db.query(clinicalChangeAudit(`CASE TG_TABLE_NAME WHEN 'patients' THEN 'patient' ELSE 'vital_sign' END`));
    for (const table of ['edc_signatures', 'edc_locks', 'adverse_events', 'randomization_slots']) await db.query(`DROP TABLE ${table}`);
    await db.query(`DROP INDEX vital_signs_entered_in_error_key`);
    await db.query(`DROP INDEX vital_signs_natural_key`);
    await db.query(`
      ALTER TABLE vital_signs ADD CONSTRAINT vital_signs_natural_key UNIQUE NULLS NOT DISTINCT (patient_id, visit_name, measurement_time)`);
    await db.query(`ALTER TABLE vital_signs DROP COLUMN entered_in_error_at, DROP COLUMN entered_in_error_reason, DROP COLUMN updated_at`);
    await db.query(`ALTER TABLE patients DROP CONSTRAINT patients_status_check`);
    await db.query(`SET LOCAL ctp.change_reason = 'reverting the EDC trial design'`);
    await db.query(`UPDATE patients SET status = 'screening' WHERE status = 'screened'`);
    await db.query(`
      ALTER TABLE patients ADD CONSTRAINT patients_status_check
        CHECK (status IN ('screening', 'enrolled', 'completed', 'withdrawn', 'screen_failed'))`);
    await db.query(`
      ALTER TABLE patients DROP COLUMN consent_date, DROP COLUMN randomized_by_platform, DROP COLUMN randomized_at,
                           DROP COLUMN status_date, DROP COLUMN status_reason`);
    await db.query(`UPDATE patients SET enrollment_date = created_at::date WHERE enrollment_date IS NULL`);
    await db.query(`ALTER TABLE patients ALTER COLUMN enrollment_date SET NOT NULL`);
    await db.query(`ALTER TABLE patients ALTER COLUMN treatment_arm SET NOT NULL`);
    for (const table of ['study_visits', 'study_arms', 'study_sites', 'studies']) await db.query(`DROP TABLE ${table}`);
  }
}

/**
 * After every statement writing clinical data: refuse it when the data is locked, and invalidate
 * the signatures of the subjects it changed. Set-based (one query per statement, not per row).
 * Taking KEY SHARE on the subjects first waits for a lock being placed on them at that moment
 * (placing a lock takes the subject row FOR UPDATE), so a write never slips past a new lock.
 */
const GUARD_FUNCTION = `
  CREATE FUNCTION edc_guard_clinical_write() RETURNS trigger
  LANGUAGE plpgsql ${DEFINER} AS $$
  DECLARE
    patient_ids uuid[];
    visit_names text[];
    entity_ids uuid[];
    lock_row record;
    actor jsonb := coalesce(nullif(current_setting('ctp.actor', true), '')::jsonb, '{}'::jsonb);
  BEGIN
    IF TG_TABLE_NAME = 'patients' THEN
      SELECT array_agg(id), array_agg(NULL::text), array_agg(id) INTO patient_ids, visit_names, entity_ids FROM changed_rows;
    ELSIF TG_TABLE_NAME = 'adverse_events' THEN
      SELECT array_agg(patient_id), array_agg(NULL::text), array_agg(id) INTO patient_ids, visit_names, entity_ids FROM changed_rows;
    ELSIF TG_OP = 'UPDATE' THEN
      SELECT array_agg(patient_id), array_agg(visit_name::text), array_agg(id) INTO patient_ids, visit_names, entity_ids
        FROM (SELECT patient_id, visit_name, id FROM changed_rows UNION SELECT patient_id, visit_name, id FROM previous_rows) r;
    ELSE
      SELECT array_agg(patient_id), array_agg(visit_name::text), array_agg(id) INTO patient_ids, visit_names, entity_ids FROM changed_rows;
    END IF;
    IF patient_ids IS NULL THEN
      RETURN NULL;
    END IF;

    -- An insert's foreign-key check has already taken these; an update's has not.
    IF TG_OP = 'UPDATE' THEN
      PERFORM 1 FROM patients p WHERE p.id = ANY (patient_ids) ORDER BY p.id FOR KEY SHARE;
    END IF;

    SELECT l.locked_by_username, l.locked_at, l.visit_name, p.subject_number INTO lock_row
      FROM edc_locks l
      JOIN unnest(patient_ids, visit_names) AS t(patient_id, visit_name)
        ON t.patient_id = l.patient_id AND (l.visit_name IS NULL OR l.visit_name = t.visit_name)
      JOIN patients p ON p.id = l.patient_id
     WHERE l.unlocked_at IS NULL
     LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION '%', format('%s of subject %s is locked by %s since %s; unlock it with a reason before changing it',
                                  CASE WHEN lock_row.visit_name IS NULL THEN 'All data' ELSE 'Visit ' || lock_row.visit_name END,
                                  lock_row.subject_number, lock_row.locked_by_username,
                                  to_char(lock_row.locked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
        USING ERRCODE = 'CT409';
    END IF;

    UPDATE edc_signatures s
       SET invalidated_at = clock_timestamp(),
           invalidated_by = jsonb_build_object(
             'entity_type', CASE TG_TABLE_NAME WHEN 'patients' THEN 'patient' WHEN 'vital_signs' THEN 'vital_sign' ELSE 'adverse_event' END,
             'action', coalesce(nullif(current_setting('ctp.change_action', true), ''), lower(TG_OP)),
             'entity_ids', (SELECT jsonb_agg(DISTINCT t.entity_id) FROM unnest(patient_ids, entity_ids) AS t(patient_id, entity_id)
                             WHERE t.patient_id = s.patient_id),
             'reason', nullif(btrim(current_setting('ctp.change_reason', true)), ''),
             'username', actor ->> 'username',
             'at', clock_timestamp())
     WHERE s.invalidated_at IS NULL AND s.patient_id = ANY (patient_ids);
    RETURN NULL;
  END $$`;

/** clinical_change_audit() as 1764400000000 made it, with the given entity-type expression. */
function clinicalChangeAudit(entityType: string): string {
  return `
    CREATE OR REPLACE FUNCTION clinical_change_audit() RETURNS trigger
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
              CASE TG_OP WHEN 'UPDATE' THEN coalesce(nullif(current_setting('ctp.change_action', true), ''), 'update') ELSE 'delete' END,
              ${entityType},
              OLD.id::text, subject_number, changed, reason);
      RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
    END $$`;
}
