import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The design's tables: patients, vital signs, documents, audit events, agent context, users. */
export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username      varchar(64) NOT NULL,
        email         varchar(254),
        full_name     varchar(200),
        password_hash text NOT NULL,
        roles         text[] NOT NULL DEFAULT '{}',
        site_ids      text[] NOT NULL DEFAULT '{}',
        active        boolean NOT NULL DEFAULT true,
        last_login_at timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);

    await db.query(`
      CREATE TABLE patients (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        protocol_id     varchar(64) NOT NULL,
        subject_number  varchar(64) NOT NULL,
        site_id         varchar(64),
        enrollment_date date NOT NULL DEFAULT current_date,
        treatment_arm   varchar(64) NOT NULL,
        status          varchar(32) NOT NULL DEFAULT 'enrolled'
                        CHECK (status IN ('screening', 'enrolled', 'completed', 'withdrawn', 'screen_failed')),
        demographics    jsonb NOT NULL DEFAULT '{}'::jsonb,
        medical_history jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT patients_protocol_subject_key UNIQUE (protocol_id, subject_number)
      )`);
    // GET /patients/:subjectId looks subjects up without a protocol; GET /patients filters by site.
    await db.query(`CREATE INDEX patients_subject_number_idx ON patients (subject_number)`);
    await db.query(`CREATE INDEX patients_site_idx ON patients (site_id, protocol_id, subject_number)`);

    await db.query(`
      CREATE TABLE vital_signs (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        patient_id       uuid NOT NULL REFERENCES patients (id) ON DELETE RESTRICT,
        visit_name       varchar(64) NOT NULL,
        visit_date       date,
        measurement_time timestamptz,
        systolic_bp      smallint NOT NULL CHECK (systolic_bp BETWEEN 50 AND 300),
        diastolic_bp     smallint NOT NULL CHECK (diastolic_bp BETWEEN 20 AND 200),
        heart_rate       smallint NOT NULL CHECK (heart_rate BETWEEN 20 AND 250),
        temperature      numeric(4, 1) NOT NULL CHECK (temperature BETWEEN 30 AND 45),
        respiratory_rate smallint CHECK (respiratory_rate BETWEEN 4 AND 60),
        data_batch       uuid NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT vital_signs_pressure_order CHECK (diastolic_bp < systolic_bp),
        -- A retried capture of the same subject, visit and time is stored once.
        CONSTRAINT vital_signs_natural_key UNIQUE NULLS NOT DISTINCT (patient_id, visit_name, measurement_time)
      )`);

    await db.query(`
      CREATE TABLE documents (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        protocol_id   varchar(64),
        document_type varchar(64) NOT NULL,
        title         varchar(300) NOT NULL,
        version       integer NOT NULL DEFAULT 1 CHECK (version > 0),
        status        varchar(32) NOT NULL DEFAULT 'draft',
        content       jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_by    uuid REFERENCES users (id),
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE audit_events (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at    timestamptz NOT NULL DEFAULT now(),
        user_id        uuid,
        username       varchar(64),
        role           varchar(32),
        action         varchar(64) NOT NULL,
        entity_type    varchar(64) NOT NULL,
        entity_id      varchar(128),
        client_address varchar(64),
        request_id     varchar(128),
        changes        jsonb,
        reason         text
      )`);

    await db.query(`
      CREATE TABLE mcp_context (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id     varchar(128) NOT NULL,
        context_type varchar(64) NOT NULL,
        context_data jsonb NOT NULL DEFAULT '{}'::jsonb,
        decisions    jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['mcp_context', 'audit_events', 'documents', 'vital_signs', 'patients', 'users']) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
