import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

/**
 * The EDC's bulk-load contract for generated (synthetic) datasets: a dataset's subjects, vital
 * signs and adverse events enter the EDC's tables only through these two functions, under the
 * rules capture applies, in one transaction of the caller:
 *
 *   SELECT edc_bulk_load_begin();                       -- a temporary table for this transaction
 *   COPY pg_temp.edc_bulk_load_rows FROM STDIN;         -- text format, one row per subject, vital or event
 *   SELECT * FROM edc_bulk_load_finish(dataset_id, protocol_id);
 *
 * `finish` checks the whole load set-based and refuses it whole (SQLSTATE CT404, CT409 or CT422,
 * a message for a person: what is wrong, how many rows, the first one, what to do), then inserts
 * it with a constant number of statements: subjects tagged with the dataset id (`dataset_id`,
 * NULL for subjects captured at a site), their vitals with `data_batch` = the dataset id. The lock
 * and signature guard triggers run on these inserts as on capture. The cache tags of the loaded
 * subjects and of the study go to `cache_invalidations` in the same transaction: after commit the
 * caller applies them (`CacheService.applyRecordedInvalidations()`), or any process's replay does.
 *
 * The functions run as the caller (SECURITY INVOKER): the runtime role inserts what capture may.
 * Vocabularies and limits are those of capture when this migration was written (adverse-event
 * fields, vital-sign CHECK constraints); a change to capture's rules needs a migration here too.
 */
export class EdcBulkLoad1765000000000 implements MigrationInterface {
  name = 'EdcBulkLoad1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE patients ADD COLUMN dataset_id uuid`);
    await db.query(`COMMENT ON COLUMN patients.dataset_id IS 'NULL: captured at a site; otherwise synthetic, stored from this generated dataset'`);
    await db.query(`CREATE INDEX patients_dataset_idx ON patients (dataset_id, protocol_id) WHERE dataset_id IS NOT NULL`);

    await db.query(`CREATE OR REPLACE VIEW edc_subjects AS ${SUBJECTS_VIEW}, dataset_id FROM patients`);
    await db.query(`CREATE OR REPLACE VIEW edc_vitals AS ${VITALS_VIEW_COLUMNS}, p.dataset_id ${VITALS_VIEW_FROM}`);
    await db.query(`CREATE OR REPLACE VIEW edc_adverse_events AS ${EVENTS_VIEW_COLUMNS}, p.dataset_id ${EVENTS_VIEW_FROM}`);
    await db.query(`CREATE VIEW edc_study_sites AS SELECT protocol_id, site_id, active FROM study_sites`);
    await db.query(`GRANT SELECT ON edc_study_sites TO ${RUNTIME_ROLE}`);

    // The load's rows live in a temporary table: PUBLIC may create them unless an administrator
    // revoked it, in which case the runtime role needs it back (and only the database owner can).
    await db.query(`
      DO $$ BEGIN
        IF NOT has_database_privilege('${RUNTIME_ROLE}', current_database(), 'TEMPORARY') THEN
          EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO ${RUNTIME_ROLE}', current_database());
        END IF;
      END $$`);

    await db.query(BEGIN_FUNCTION);
    await db.query(finishFunction());
    for (const signature of ['edc_bulk_load_begin()', 'edc_bulk_load_finish(uuid, text)']) {
      await db.query(`REVOKE EXECUTE ON FUNCTION ${signature} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${RUNTIME_ROLE}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM patients WHERE dataset_id IS NOT NULL) THEN
          RAISE EXCEPTION 'the EDC holds synthetic subjects stored from generated datasets: reverting would mix them with captured subjects';
        END IF;
      END $$`);
    await db.query(`DROP FUNCTION edc_bulk_load_finish(uuid, text)`);
    await db.query(`DROP FUNCTION edc_bulk_load_begin()`);
    await db.query(`DROP VIEW edc_study_sites`);
    // A view loses a column only by being made again (as 1764900000000 made it).
    for (const view of ['edc_subjects', 'edc_vitals', 'edc_adverse_events']) await db.query(`DROP VIEW ${view}`);
    await db.query(`CREATE VIEW edc_subjects AS ${SUBJECTS_VIEW} FROM patients`);
    await db.query(`CREATE VIEW edc_vitals AS ${VITALS_VIEW_COLUMNS} ${VITALS_VIEW_FROM}`);
    await db.query(`CREATE VIEW edc_adverse_events AS ${EVENTS_VIEW_COLUMNS} ${EVENTS_VIEW_FROM}`);
    await db.query(`GRANT SELECT ON edc_subjects, edc_vitals, edc_adverse_events TO ${RUNTIME_ROLE}`);
    await db.query(`DROP INDEX patients_dataset_idx`);
    await db.query(`ALTER TABLE patients DROP COLUMN dataset_id`);
  }
}

const SUBJECTS_VIEW = `
  SELECT id AS patient_id, protocol_id, subject_number, site_id, treatment_arm, status,
         randomized_by_platform, enrollment_date, consent_date, demographics`;
const VITALS_VIEW_COLUMNS = `
  SELECT v.id AS vital_sign_id, p.id AS patient_id, p.protocol_id, p.subject_number, p.site_id, p.treatment_arm,
         v.visit_name, v.visit_date, v.measurement_time, v.systolic_bp, v.diastolic_bp, v.heart_rate,
         v.temperature, v.respiratory_rate, v.data_batch, v.created_at`;
const VITALS_VIEW_FROM = `
  FROM vital_signs v JOIN patients p ON p.id = v.patient_id
 WHERE v.entered_in_error_at IS NULL`;
const EVENTS_VIEW_COLUMNS = `
  SELECT a.id AS adverse_event_id, p.id AS patient_id, p.protocol_id, p.subject_number, p.site_id, p.treatment_arm,
         a.term, a.body_system, a.onset_date, a.end_date, a.severity_grade, a.serious, a.relationship,
         a.outcome, a.action_taken`;
const EVENTS_VIEW_FROM = `
  FROM adverse_events a JOIN patients p ON p.id = a.patient_id
 WHERE a.entered_in_error_at IS NULL`;

/**
 * One wide row per subject, vital sign or adverse event, so a generator streams a subject and
 * everything of it in one pass. Loose types (text, integer, numeric) so that a wrong value reaches
 * finish's checks and their readable refusal instead of failing the COPY with a type error.
 */
const BEGIN_FUNCTION = `
  CREATE FUNCTION edc_bulk_load_begin() RETURNS void
  LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
  BEGIN
    CREATE TEMPORARY TABLE edc_bulk_load_rows (
      kind text, subject_number text, site_id text, treatment_arm text, status text,
      enrollment_date date, consent_date date, demographics jsonb,
      visit_name text, visit_date date, measurement_time timestamptz,
      systolic_bp integer, diastolic_bp integer, heart_rate integer, temperature numeric, respiratory_rate integer,
      term text, body_system text, onset_date date, end_date date, severity_grade integer, serious boolean,
      relationship text, outcome text, action_taken text
    ) ON COMMIT DROP;
  END $$`;

// Capture's vocabularies (apps/edc-service adverse-event-fields.ts) as this migration was written.
const BODY_SYSTEMS = [
  'Blood and lymphatic system disorders', 'Cardiac disorders', 'Congenital, familial and genetic disorders',
  'Ear and labyrinth disorders', 'Endocrine disorders', 'Eye disorders', 'Gastrointestinal disorders',
  'General disorders and administration site conditions', 'Hepatobiliary disorders', 'Immune system disorders',
  'Infections and infestations', 'Injury, poisoning and procedural complications', 'Investigations',
  'Metabolism and nutrition disorders', 'Musculoskeletal and connective tissue disorders',
  'Neoplasms benign, malignant and unspecified (incl cysts and polyps)', 'Nervous system disorders',
  'Pregnancy, puerperium and perinatal conditions', 'Product issues', 'Psychiatric disorders',
  'Renal and urinary disorders', 'Reproductive system and breast disorders',
  'Respiratory, thoracic and mediastinal disorders', 'Skin and subcutaneous tissue disorders',
  'Social circumstances', 'Surgical and medical procedures', 'Vascular disorders',
];
const RELATIONSHIPS = ['not_related', 'unlikely_related', 'possibly_related', 'probably_related', 'related'];
const OUTCOMES = ['recovered', 'recovering', 'not_recovered', 'recovered_with_sequelae', 'fatal', 'unknown'];
const ACTIONS_TAKEN = ['none', 'dose_reduced', 'dose_increased', 'drug_interrupted', 'drug_withdrawn', 'not_applicable', 'unknown'];
const SUBJECT_STATUSES = ['randomized', 'completed', 'withdrawn'];

/** The values of a text[] for a message, or that there are none yet. */
const listed = (array: string): string => `CASE WHEN cardinality(${array}) = 0 THEN 'none set up yet' ELSE array_to_string(${array}, ', ') END`;
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const textArray = (values: string[]): string => `ARRAY[${values.map(literal).join(', ')}]::text[]`;

/**
 * A check of single rows of the load. `problem` and `first` are SQL expressions: the problem
 * after the count of offending rows, and how the first offending row is named.
 */
interface RowRule {
  sqlstate: 'CT422';
  where: string;
  problem: string;
  first: string;
  advice: string;
}

const SUBJECT = `format('subject %s', coalesce(r.subject_number, '(none)'))`;
const AT_VISIT = `format('subject %s, visit %s', coalesce(r.subject_number, '(none)'), coalesce(r.visit_name, '(none)'))`;
const OF_EVENT = `format('subject %s, event %s', coalesce(r.subject_number, '(none)'), coalesce(r.term, '(none)'))`;
/** Capture accepts a site's date up to a day ahead of the server's UTC date, a time up to five minutes ahead. */
const LATEST_DATE = `((now() AT TIME ZONE 'UTC')::date + 1)`;
const LATEST_TIME = `(now() + interval '5 minutes')`;

const ROW_RULES: RowRule[] = [
  {
    sqlstate: 'CT422',
    where: `r.kind IS NULL OR r.kind NOT IN ('subject', 'vital', 'adverse_event')`,
    problem: `'row(s) are neither a subject, a vital nor an adverse_event'`,
    first: `format('kind %s', coalesce(r.kind, '(none)'))`,
    advice: 'Send kind subject, vital or adverse_event in the first column.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'subject' AND (coalesce(btrim(r.subject_number), '') = '' OR r.site_id IS NULL OR r.treatment_arm IS NULL
            OR r.enrollment_date IS NULL OR length(r.subject_number) > 64 OR length(r.site_id) > 64 OR length(r.treatment_arm) > 64)`,
    problem: `'subject row(s) lack a subject number, site, arm or enrollment date, or one is longer than 64 characters'`,
    first: SUBJECT,
    advice: 'Every generated subject needs a subject number, a site, an arm and an enrollment date.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'subject' AND (r.status IS NULL OR r.status <> ALL (${textArray(SUBJECT_STATUSES)}))`,
    problem: `'subject row(s) have a status a generated subject cannot have'`,
    first: `format('subject %s, status %s', r.subject_number, coalesce(r.status, '(none)'))`,
    advice: `A generated subject is ${SUBJECT_STATUSES.join(', ').replace(/, (?=[^,]*$)/, ' or ')}.`,
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'subject' AND NOT study.allow_unlisted_arms AND r.treatment_arm <> ALL (arms)`,
    problem: `format('subject row(s) name an arm that is not an arm of study %s (allowed: %s)', p_protocol_id, ${listed('arms')})`,
    first: `format('subject %s, arm %s', r.subject_number, r.treatment_arm)`,
    advice: "Generate the dataset from the study's design, or add the arm to the study first.",
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'subject' AND r.site_id = ANY (closed_sites)`,
    problem: `format('subject row(s) are at a site of study %s that is closed', p_protocol_id)`,
    first: `format('subject %s, site %s', r.subject_number, r.site_id)`,
    advice: "Generate the dataset for the study's active sites.",
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'subject' AND NOT study.allow_new_sites AND r.site_id <> ALL (sites)`,
    problem: `format('subject row(s) are at a site that is not a site of study %s (allowed: %s)', p_protocol_id, ${listed('open_sites')})`,
    first: `format('subject %s, site %s', r.subject_number, r.site_id)`,
    advice: "Generate the dataset for the study's sites, or add the site to the study first.",
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'subject' AND (r.enrollment_date > ${LATEST_DATE} OR r.consent_date > ${LATEST_DATE})`,
    problem: `'subject row(s) have an enrollment or consent date in the future'`,
    first: `format('subject %s, enrolled %s, consent %s', r.subject_number, r.enrollment_date, coalesce(r.consent_date::text, '(none)'))`,
    advice: 'Generate the dataset with a reference date early enough that every date is in the past.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'vital' AND (r.subject_number IS NULL OR coalesce(btrim(r.visit_name), '') = '' OR length(r.visit_name) > 64
            OR r.systolic_bp IS NULL OR r.diastolic_bp IS NULL OR r.heart_rate IS NULL OR r.temperature IS NULL)`,
    problem: `'vital sign row(s) lack a subject, visit (at most 64 characters), systolic or diastolic pressure, heart rate or temperature'`,
    first: AT_VISIT,
    advice: 'Every vital sign record needs these fields, as in store-vitals.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'vital' AND NOT (r.systolic_bp BETWEEN 50 AND 300 AND r.diastolic_bp BETWEEN 20 AND 200
            AND r.heart_rate BETWEEN 20 AND 250 AND round(r.temperature, 1) BETWEEN 30 AND 45
            AND (r.respiratory_rate IS NULL OR r.respiratory_rate BETWEEN 4 AND 60) AND r.diastolic_bp < r.systolic_bp)`,
    problem: `'vital sign row(s) hold values capture refuses (systolic 50-300, diastolic 20-200 and below systolic, heart rate 20-250, temperature 30-45, respiratory rate 4-60)'`,
    first: `format('subject %s, visit %s: %s/%s mmHg, heart rate %s, temperature %s, respiratory rate %s', r.subject_number, r.visit_name,
                   r.systolic_bp, r.diastolic_bp, r.heart_rate, r.temperature, coalesce(r.respiratory_rate::text, '(none)'))`,
    advice: 'Records with an error capture refuses are kept in previews and exports but never stored: mark them unstorable.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'vital' AND NOT study.allow_unscheduled_visits AND r.visit_name <> ALL (visits)`,
    problem: `format('vital sign row(s) name a visit that is not in the schedule of study %s (allowed: %s)', p_protocol_id, ${listed('visits')})`,
    first: AT_VISIT,
    advice: "Generate the dataset from the study's schedule, or add the visit to the study first.",
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'vital' AND (r.visit_date > ${LATEST_DATE} OR r.measurement_time > ${LATEST_TIME})`,
    problem: `'vital sign row(s) have a visit date or measurement time in the future'`,
    first: `format('subject %s, visit %s on %s at %s', r.subject_number, r.visit_name, coalesce(r.visit_date::text, '(none)'), coalesce(r.measurement_time::text, '(none)'))`,
    advice: 'Generate the dataset with a reference date early enough that every visit is in the past.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'adverse_event' AND (r.subject_number IS NULL OR coalesce(btrim(r.term), '') = '' OR length(r.term) > 200
            OR r.onset_date IS NULL OR r.serious IS NULL OR r.severity_grade IS NULL)`,
    problem: `'adverse event row(s) lack a subject, term (1 to 200 characters, not blank), onset date, seriousness or grade'`,
    first: OF_EVENT,
    advice: 'Every adverse event needs these fields, as in capture.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'adverse_event' AND (r.severity_grade NOT BETWEEN 1 AND 5 OR r.body_system IS NULL OR r.relationship IS NULL
            OR r.outcome IS NULL OR r.action_taken IS NULL
            OR r.body_system <> ALL (${textArray(BODY_SYSTEMS)}) OR r.relationship <> ALL (${textArray(RELATIONSHIPS)})
            OR r.outcome <> ALL (${textArray(OUTCOMES)}) OR r.action_taken <> ALL (${textArray(ACTIONS_TAKEN)}))`,
    problem: `'adverse event row(s) have a grade outside 1-5 or a body system, relationship, outcome or action outside capture''s vocabulary'`,
    first: `format('subject %s, event %s: grade %s, %s, %s, %s, %s', r.subject_number, r.term, coalesce(r.severity_grade::text, '(none)'),
                   coalesce(r.body_system, '(no body system)'), coalesce(r.relationship, '(no relationship)'), coalesce(r.outcome, '(no outcome)'),
                   coalesce(r.action_taken, '(no action)'))`,
    advice: 'Use the MedDRA system organ classes and the relationship, outcome and action vocabularies of capture.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'adverse_event' AND (r.end_date < r.onset_date OR (r.severity_grade = 5) <> (r.outcome = 'fatal')
            OR (r.outcome = 'fatal' AND NOT r.serious))`,
    problem: `'adverse event row(s) contradict themselves (an end before the onset, grade 5 without a fatal outcome or the reverse, a fatal event not serious)'`,
    first: `format('subject %s, event %s: onset %s, end %s, grade %s, outcome %s, serious %s', r.subject_number, r.term, r.onset_date,
                   coalesce(r.end_date::text, '(none)'), r.severity_grade, r.outcome, r.serious)`,
    advice: 'Capture refuses such events; the generator must not produce them.',
  },
  {
    sqlstate: 'CT422',
    where: `r.kind = 'adverse_event' AND (r.onset_date > ${LATEST_DATE} OR r.end_date > ${LATEST_DATE})`,
    problem: `'adverse event row(s) have an onset or end date in the future'`,
    first: `format('subject %s, event %s: onset %s, end %s', r.subject_number, r.term, r.onset_date, coalesce(r.end_date::text, '(none)'))`,
    advice: 'Generate the dataset with a reference date early enough that every date is in the past.',
  },
];

const refusal = (sqlstate: string, message: string): string => `RAISE EXCEPTION '%', ${message} USING ERRCODE = '${sqlstate}'`;

/** Raises the rule's refusal when its count (counts[index]) is not zero. */
function rowRuleCheck(rule: RowRule, index: number): string {
  return `
    IF counts[${index + 1}] > 0 THEN
      SELECT ${rule.first} INTO first_row FROM pg_temp.edc_bulk_load_rows r WHERE (${rule.where}) IS TRUE ORDER BY r.ctid LIMIT 1;
      ${refusal(rule.sqlstate, `format('%s %s; nothing was stored (first: %s). %s', counts[${index + 1}], ${rule.problem}, first_row, ${literal(rule.advice)})`)};
    END IF;`;
}

function finishFunction(): string {
  return `
  CREATE FUNCTION edc_bulk_load_finish(p_dataset_id uuid, p_protocol_id text)
    RETURNS TABLE (subjects integer, vital_signs integer, adverse_events integer)
  LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $$
  DECLARE
    study record;
    sites text[];
    open_sites text[];
    closed_sites text[];
    arms text[];
    visits text[];
    counts integer[];
    subject_rows integer;
    vital_rows integer;
    event_rows integer;
    inserted integer;
    first_row text;
    added_sites text[];
    actor jsonb := coalesce(nullif(current_setting('ctp.actor', true), '')::jsonb, '{}'::jsonb);
  BEGIN
    IF to_regclass('pg_temp.edc_bulk_load_rows') IS NULL THEN
      RAISE EXCEPTION 'no bulk load in progress: call edc_bulk_load_begin() and COPY the rows in this transaction first'
        USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;

    -- A change to the study's design locks its row FOR UPDATE: it waits for this load to commit.
    SELECT s.status, s.allow_new_sites, s.allow_unscheduled_visits, s.allow_unlisted_arms INTO study
      FROM studies s WHERE s.protocol_id = p_protocol_id FOR KEY SHARE;
    IF NOT FOUND THEN
      ${refusal('CT404', `format('study %s does not exist; nothing was stored. Set the study up in the EDC first, or generate the dataset for an existing study', p_protocol_id)`)};
    END IF;
    IF study.status = 'closed' THEN
      ${refusal('CT409', `format('study %s is closed; it takes no new data, generated or captured; nothing was stored', p_protocol_id)`)};
    END IF;
    IF EXISTS (SELECT 1 FROM patients p WHERE p.dataset_id = p_dataset_id) THEN
      ${refusal('CT409', `format('dataset %s is stored already (%s subjects); a dataset is stored once; nothing was stored', p_dataset_id,
                                 (SELECT count(*) FROM patients p WHERE p.dataset_id = p_dataset_id))`)};
    END IF;

    SELECT coalesce(array_agg(ss.site_id::text), '{}'), coalesce(array_agg(ss.site_id::text) FILTER (WHERE ss.active), '{}'),
           coalesce(array_agg(ss.site_id::text) FILTER (WHERE NOT ss.active), '{}')
      INTO sites, open_sites, closed_sites FROM study_sites ss WHERE ss.protocol_id = p_protocol_id;
    SELECT coalesce(array_agg(a.arm_code::text ORDER BY a.display_order, a.arm_code), '{}') INTO arms
      FROM study_arms a WHERE a.protocol_id = p_protocol_id;
    SELECT coalesce(array_agg(v.visit_name::text ORDER BY v.display_order), '{}') INTO visits
      FROM study_visits v WHERE v.protocol_id = p_protocol_id;

    -- Every single-row rule in one pass over the load: the counts, then the first offender of a failing rule.
    SELECT ARRAY[${ROW_RULES.map((rule) => `count(*) FILTER (WHERE (${rule.where}) IS TRUE)::integer`).join(',\n                 ')}],
           count(*) FILTER (WHERE r.kind = 'subject'), count(*) FILTER (WHERE r.kind = 'vital'), count(*) FILTER (WHERE r.kind = 'adverse_event')
      INTO counts, subject_rows, vital_rows, event_rows
      FROM pg_temp.edc_bulk_load_rows r;
    ${ROW_RULES.map(rowRuleCheck).join('')}
    IF subject_rows = 0 THEN
      ${refusal('CT422', `'the load holds no subjects; nothing was stored. Send each subject as a row of kind subject before its vital signs and adverse events'`)};
    END IF;

    -- The load's subjects, with the ids they will have, in a small table the planner has statistics
    -- of: every later join hashes it instead of guessing at the load (a nested loop over a million
    -- rows would never end).
    DROP TABLE IF EXISTS pg_temp.edc_bulk_load_subjects;
    CREATE TEMPORARY TABLE edc_bulk_load_subjects ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, r.subject_number, r.site_id, r.treatment_arm, r.status, r.enrollment_date, r.consent_date, r.demographics
        FROM pg_temp.edc_bulk_load_rows r WHERE r.kind = 'subject';
    ANALYZE pg_temp.edc_bulk_load_subjects;

    SELECT count(*), min(d.subject_number) INTO inserted, first_row FROM (
      SELECT s.subject_number FROM pg_temp.edc_bulk_load_subjects s GROUP BY s.subject_number HAVING count(*) > 1) d;
    IF inserted > 0 THEN
      ${refusal('CT422', `format('%s subject number(s) appear more than once in the load; nothing was stored (first: subject %s). Each subject is sent once, followed by its records', inserted, first_row)`)};
    END IF;
    SELECT count(*), min(p.subject_number) INTO inserted, first_row
      FROM pg_temp.edc_bulk_load_subjects s JOIN patients p ON p.protocol_id = p_protocol_id AND p.subject_number = s.subject_number;
    IF inserted > 0 THEN
      ${refusal('CT409', `format('%s subject number(s) of the dataset exist already in study %s (first: subject %s); a dataset never adds to or changes existing subjects; nothing was stored. Generate it again with a higher first_subject_number',
                                 inserted, p_protocol_id, first_row)`)};
    END IF;

    -- Sites new to a study that takes them are added, as capture does, and audited.
    IF study.allow_new_sites THEN
      WITH added AS (
        INSERT INTO study_sites (protocol_id, site_id)
        SELECT DISTINCT p_protocol_id, s.site_id FROM pg_temp.edc_bulk_load_subjects s WHERE s.site_id <> ALL (sites)
        ON CONFLICT (protocol_id, site_id) DO NOTHING
        RETURNING site_id)
      SELECT array_agg(site_id::text ORDER BY site_id) INTO added_sites FROM added;
      IF added_sites IS NOT NULL THEN
        INSERT INTO audit_events (user_id, username, role, client_address, request_id, action, entity_type, entity_id, changes, reason)
        VALUES ((actor ->> 'userId')::uuid, left(actor ->> 'username', 64), left(actor ->> 'role', 200),
                left(actor ->> 'clientAddress', 64), left(actor ->> 'requestId', 128), 'add_sites', 'study', p_protocol_id,
                jsonb_build_object('sites', jsonb_build_object('old', NULL, 'new', to_jsonb(added_sites))),
                format('named by generated dataset %s', p_dataset_id));
      END IF;
    END IF;

    -- A write committed since the check above (a concurrent load or capture) may have taken a number.
    BEGIN
      INSERT INTO patients (id, protocol_id, subject_number, site_id, enrollment_date, treatment_arm, status, demographics,
                            consent_date, randomized_by_platform, dataset_id)
      SELECT s.id, p_protocol_id, s.subject_number, s.site_id, s.enrollment_date, s.treatment_arm, s.status,
             coalesce(s.demographics, '{}'::jsonb), s.consent_date, false, p_dataset_id
        FROM pg_temp.edc_bulk_load_subjects s;
    EXCEPTION WHEN unique_violation THEN
      ${refusal('CT409', `format('subject numbers of the dataset were taken in study %s by a write that committed during this load; nothing was stored. Generate it again with a first_subject_number beyond the study''s subjects', p_protocol_id)`)};
    END;

    -- A record joins only its own subject of this load, with the subject's arm and site: what does
    -- not join is diagnosed after the insert, so a good load pays for no extra pass.
    BEGIN
      INSERT INTO vital_signs (patient_id, visit_name, visit_date, measurement_time, systolic_bp, diastolic_bp, heart_rate,
                               temperature, respiratory_rate, data_batch)
      SELECT s.id, r.visit_name, r.visit_date, r.measurement_time, r.systolic_bp, r.diastolic_bp, r.heart_rate,
             r.temperature, r.respiratory_rate, p_dataset_id
        FROM pg_temp.edc_bulk_load_rows r
        JOIN pg_temp.edc_bulk_load_subjects s ON s.subject_number = r.subject_number
         AND (r.treatment_arm IS NULL OR s.treatment_arm = r.treatment_arm) AND (r.site_id IS NULL OR s.site_id = r.site_id)
       WHERE r.kind = 'vital';
      GET DIAGNOSTICS inserted = ROW_COUNT;
    EXCEPTION WHEN unique_violation THEN
      SELECT count(*), min(format('subject %s, visit %s at %s', d.subject_number, d.visit_name, coalesce(d.measurement_time::text, '(no time)')))
        INTO inserted, first_row FROM (
          SELECT r.subject_number, r.visit_name, r.measurement_time FROM pg_temp.edc_bulk_load_rows r WHERE r.kind = 'vital'
           GROUP BY 1, 2, 3 HAVING count(*) > 1) d;
      ${refusal('CT422', `format('%s measurement(s) appear more than once in the load (same subject, visit and measurement time); nothing was stored (first: %s). Send each measurement once', inserted, first_row)`)};
    END;
    IF inserted <> vital_rows THEN
      SELECT format('subject %s, visit %s: %s', r.subject_number, r.visit_name,
                    CASE WHEN s.subject_number IS NULL THEN 'no subject row of that number in the load'
                         WHEN r.treatment_arm IS DISTINCT FROM s.treatment_arm THEN format('arm %s, but the subject is in arm %s', r.treatment_arm, s.treatment_arm)
                         ELSE format('site %s, but the subject is at site %s', r.site_id, s.site_id) END)
        INTO first_row
        FROM pg_temp.edc_bulk_load_rows r
        LEFT JOIN pg_temp.edc_bulk_load_subjects s ON s.subject_number = r.subject_number
       WHERE r.kind = 'vital' AND (s.subject_number IS NULL OR (r.treatment_arm IS NOT NULL AND r.treatment_arm <> s.treatment_arm)
                                   OR (r.site_id IS NOT NULL AND r.site_id <> s.site_id))
       ORDER BY r.ctid LIMIT 1;
      ${refusal('CT422', `format('%s vital sign row(s) do not belong to a subject of the load, or name another arm or site than their subject''s; nothing was stored (first: %s). Send each record after its subject, with the subject''s arm and site', vital_rows - inserted, first_row)`)};
    END IF;

    INSERT INTO adverse_events (patient_id, term, body_system, onset_date, end_date, severity_grade, serious, relationship,
                                outcome, action_taken)
    SELECT s.id, r.term, r.body_system, r.onset_date, r.end_date, r.severity_grade, r.serious, r.relationship, r.outcome, r.action_taken
      FROM pg_temp.edc_bulk_load_rows r JOIN pg_temp.edc_bulk_load_subjects s ON s.subject_number = r.subject_number
     WHERE r.kind = 'adverse_event';
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted <> event_rows THEN
      SELECT ${OF_EVENT} INTO first_row FROM pg_temp.edc_bulk_load_rows r
       WHERE r.kind = 'adverse_event'
         AND NOT EXISTS (SELECT 1 FROM pg_temp.edc_bulk_load_subjects s WHERE s.subject_number = r.subject_number)
       ORDER BY r.ctid LIMIT 1;
      ${refusal('CT422', `format('%s adverse event row(s) do not belong to a subject of the load; nothing was stored (first: %s). Send each event after its subject', event_rows - inserted, first_row)`)};
    END IF;

    -- Cached reads of these subject numbers (a cached "not found", a subject of another study) and of
    -- the study must not be served after commit: the EDC's tags (subject-cache.ts, study-cache.ts).
    INSERT INTO cache_invalidations (tag)
    SELECT 'edc:subject:' || s.subject_number FROM pg_temp.edc_bulk_load_subjects s
    UNION ALL SELECT 'edc:study:' || p_protocol_id;

    DROP TABLE pg_temp.edc_bulk_load_rows, pg_temp.edc_bulk_load_subjects;
    RETURN QUERY SELECT subject_rows, vital_rows, event_rows;
  END $$`;
}
