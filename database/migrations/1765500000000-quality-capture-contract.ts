import type { MigrationInterface, QueryRunner } from 'typeorm';
import { RUNTIME_ROLE } from './1764400000000-least-privilege-runtime-role.js';

const NO_VITAL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/** The one-open-query key (quality_queries_one_open_idx) of a finding `f`. */
const FINDING_KEY = `f.protocol_id, f.subject_id, coalesce(f.visit_name, ''), coalesce(f.field, ''), coalesce(f.value, ''),
                     coalesce(f.rule_id, ''), coalesce(f.vital_sign_id, ${NO_VITAL})`;

/**
 * A query `q` on the same data point as the finding `f`, in any status: a value confirmed correct
 * (its query closed or cancelled) is not queried again, while a corrected value is another data point.
 */
const SAME_DATA_POINT = `
  q.protocol_id = f.protocol_id AND q.subject_id = f.subject_id
  AND coalesce(q.visit_name, '') = coalesce(f.visit_name, '') AND coalesce(q.field, '') = coalesce(f.field, '')
  AND md5(coalesce(q.value, '')) = md5(coalesce(f.value, '')) AND coalesce(q.value, '') = coalesce(f.value, '')
  AND coalesce(q.rule_id, '') = coalesce(f.rule_id, '') AND coalesce(q.vital_sign_id, ${NO_VITAL}) = coalesce(f.vital_sign_id, ${NO_VITAL})`;

/** The actor a function is given as jsonb: user_id, username, role, client_address, request_id. */
const ACTOR = (fn: string) => ({
  userId: `(${fn}.actor->>'user_id')::uuid`,
  username: `${fn}.actor->>'username'`,
  role: `${fn}.actor->>'role'`,
  clientAddress: `${fn}.actor->>'client_address'`,
  requestId: `${fn}.actor->>'request_id'`,
});

/**
 * The quality service's contract for the EDC's capture: the rule library each study checks its
 * data with (quality_study_rules), and two functions the EDC calls inside its own transaction, so
 * a captured or corrected vital and its queries commit or roll back together, without the EDC
 * touching quality's tables itself. A study whose rules were never edited has no row in the view:
 * it uses the default library (libs/edit-checks, version 0), as the quality service does.
 */
export class QualityCaptureContract1765500000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // Only studies whose library was edited: the others use the default library of the running
    // release (libs/edit-checks DEFAULT_RULES, version 0), which a migration must not freeze.
    await db.query(`
      CREATE VIEW quality_study_rules AS
        SELECT DISTINCT ON (protocol_id) protocol_id::text AS protocol_id, version, rules
          FROM quality_rule_sets
         ORDER BY protocol_id, version DESC`);

    const open = ACTOR('quality_open_queries');
    // One query per data point a finding names unless the data point has a query already (the
    // unique index guards a concurrent opening), its 'opened' message and its audit event: as the
    // runs' QueryOpener does, set-based.
    await db.query(`
      CREATE FUNCTION quality_open_queries(findings jsonb, origin text, actor jsonb) RETURNS integer
      LANGUAGE sql VOLATILE AS $fn$
        WITH f AS (
          SELECT * FROM jsonb_to_recordset(coalesce(quality_open_queries.findings, '[]'::jsonb))
                   AS f(protocol_id text, site_id text, subject_id text, patient_id uuid, vital_sign_id uuid, visit_name text,
                        field text, value text, rule_id text, severity text, message text)),
        candidates AS (
          SELECT DISTINCT ON (${FINDING_KEY}) f.protocol_id, f.site_id, f.subject_id, f.patient_id, f.vital_sign_id, f.visit_name,
                 f.field, f.value, f.rule_id, f.severity, f.message
            FROM f
           WHERE NOT EXISTS (SELECT 1 FROM quality_queries q WHERE ${SAME_DATA_POINT})
           ORDER BY ${FINDING_KEY}, f.severity, f.message),
        opened AS (
          INSERT INTO quality_queries (protocol_id, site_id, subject_id, patient_id, vital_sign_id, visit_name, field, value, rule_id,
                                       severity, message, status, origin, run_id, opened_by, opened_by_username)
          SELECT c.protocol_id, c.site_id, c.subject_id, c.patient_id, c.vital_sign_id, c.visit_name, c.field, c.value, c.rule_id,
                 c.severity, c.message, 'open', quality_open_queries.origin, NULL, ${open.userId}, ${open.username}
            FROM candidates c
          ON CONFLICT DO NOTHING
          RETURNING id, protocol_id, site_id, subject_id, visit_name, field, value, rule_id, severity, message),
        messages AS (
          INSERT INTO quality_query_messages (query_id, kind, body, status_after, author_id, author_username)
          SELECT o.id, 'opened', o.message, 'open', ${open.userId}, ${open.username} FROM opened o),
        audited AS (
          INSERT INTO audit_events (user_id, username, role, client_address, request_id, action, entity_type, entity_id, subject, changes)
          SELECT ${open.userId}, ${open.username}, ${open.role}, ${open.clientAddress}, ${open.requestId}, 'open', 'quality_query',
                 o.id::text, o.subject_id,
                 jsonb_build_object(
                   'status', jsonb_build_object('old', NULL, 'new', 'open'),
                   'origin', jsonb_build_object('old', NULL, 'new', quality_open_queries.origin),
                   'run_id', jsonb_build_object('old', NULL, 'new', NULL),
                   'protocol_id', jsonb_build_object('old', NULL, 'new', o.protocol_id),
                   'site_id', jsonb_build_object('old', NULL, 'new', o.site_id),
                   'visit_name', jsonb_build_object('old', NULL, 'new', o.visit_name),
                   'field', jsonb_build_object('old', NULL, 'new', o.field),
                   'value', jsonb_build_object('old', NULL, 'new', o.value),
                   'rule_id', jsonb_build_object('old', NULL, 'new', o.rule_id),
                   'severity', jsonb_build_object('old', NULL, 'new', o.severity))
            FROM opened o)
        SELECT count(*)::int FROM opened
      $fn$`);

    const corrected = ACTOR('quality_data_point_corrected');
    // The query lifecycle's 'correct' move (open or answered → answered) for every query still
    // waiting on the corrected vital sign; closed and cancelled ones stay as they are.
    await db.query(`
      CREATE FUNCTION quality_data_point_corrected(vital_sign_id uuid, reason text, actor jsonb) RETURNS integer
      LANGUAGE sql VOLATILE AS $fn$
        WITH answered AS (
          UPDATE quality_queries q
             SET status = 'answered', answered_at = clock_timestamp(), updated_at = clock_timestamp()
            FROM quality_queries prior
           WHERE prior.id = q.id AND q.vital_sign_id = quality_data_point_corrected.vital_sign_id
             AND q.status IN ('open', 'answered')
          RETURNING q.id, q.subject_id, prior.status AS old_status),
        messages AS (
          INSERT INTO quality_query_messages (query_id, kind, body, status_after, author_id, author_username)
          SELECT a.id, 'correction', quality_data_point_corrected.reason, 'answered', ${corrected.userId}, ${corrected.username}
            FROM answered a),
        audited AS (
          INSERT INTO audit_events (user_id, username, role, client_address, request_id, action, entity_type, entity_id, subject,
                                    changes, reason)
          SELECT ${corrected.userId}, ${corrected.username}, ${corrected.role}, ${corrected.clientAddress}, ${corrected.requestId},
                 'correction', 'quality_query', a.id::text, a.subject_id,
                 jsonb_build_object('status', jsonb_build_object('old', a.old_status, 'new', 'answered')),
                 quality_data_point_corrected.reason
            FROM answered a)
        SELECT count(*)::int FROM answered
      $fn$`);

    await db.query(`GRANT SELECT ON quality_study_rules TO ${RUNTIME_ROLE}`);
    for (const fn of ['quality_open_queries(jsonb, text, jsonb)', 'quality_data_point_corrected(uuid, text, jsonb)']) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${RUNTIME_ROLE}`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION quality_data_point_corrected(uuid, text, jsonb)`);
    await db.query(`DROP FUNCTION quality_open_queries(jsonb, text, jsonb)`);
    await db.query(`DROP VIEW quality_study_rules`);
  }
}
