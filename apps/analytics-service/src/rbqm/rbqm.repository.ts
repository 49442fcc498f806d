import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findingsSql, type Rule, SqlParams, storedRelation } from '../../../../libs/edit-checks/src/index.js';
import { type AnalysisScope, scopeConditions } from '../scope/analysis-scope.js';
import { DUPLICATE_VISIT_RULE, type KriRules } from './kri-rules.js';

/**
 * The EDC's causality values that count as related to the study treatment: a reasonable
 * possibility of a causal relationship (ICH E2A), so possibly, probably and certainly related;
 * 'unlikely_related' and 'not_related' do not.
 */
export const RELATED_RELATIONSHIPS = ['possibly_related', 'probably_related', 'related'] as const;

/** Counts of one site from the EDC's and the quality service's views (site null: subjects without a site). */
export interface SiteCounts {
  site_id: string | null;
  subjects: number;
  data_rows: number;
  queries: number;
  open_queries: number;
  serious_events: number;
  serious_related_events: number;
  fatal_events: number;
}

/** Counts of one site from the study's rules, evaluated over its stored vitals. */
export interface SiteFindingCounts {
  site_id: string | null;
  out_of_range_values: number;
  subjects_missing_visits: number;
  duplicate_visits: number;
}

/** Risk-based monitoring's set-based SQL: a constant number of statements, whatever the number of sites. */
@Injectable()
export class RbqmRepository {
  /** The study's current rule library (null: never edited, the defaults apply). */
  async studyRules(db: EntityManager, protocolId: string): Promise<{ version: number; rules: Rule[] | null }> {
    const rows = (await db.query(`SELECT version, rules FROM quality_study_rules WHERE protocol_id = $1`, [protocolId])) as Array<{ version: number; rules: Rule[] }>;
    return rows.length > 0 ? { version: Number(rows[0].version), rules: rows[0].rules } : { version: 0, rules: null };
  }

  /**
   * Per site of the scope (the study's listed sites among the scope's, and every site of its
   * subjects): subjects, stored vital-sign rows, queries not cancelled and those still open or
   * answered (by the subject's site), serious, serious related and fatal adverse events.
   */
  async siteCounts(db: EntityManager, scope: AnalysisScope): Promise<SiteCounts[]> {
    const params: unknown[] = [];
    const subjects = scopeConditions(scope, 's', params);
    const vitals = scopeConditions(scope, 'v', params);
    const events = scopeConditions(scope, 'a', params);
    const protocol = `$${params.push(scope.protocolId)}`;
    const listedSites = scope.siteIds === null ? '' : `AND ss.site_id = ANY($${params.push(scope.siteIds)}::text[])`;
    const related = `$${params.push([...RELATED_RELATIONSHIPS])}::text[]`;
    const rows = (await db.query(
      `WITH subjects AS (SELECT s.site_id::text AS site_id, s.subject_number::text AS subject_number FROM edc_subjects s WHERE ${subjects}),
            sites AS (SELECT ss.site_id::text AS site_id FROM edc_study_sites ss WHERE ss.protocol_id = ${protocol} ${listedSites}
                      UNION SELECT site_id FROM subjects),
            subject_counts AS (SELECT site_id, count(*) AS subjects FROM subjects GROUP BY site_id),
            vital_counts AS (SELECT v.site_id::text AS site_id, count(*) AS data_rows FROM edc_vitals v WHERE ${vitals} GROUP BY 1),
            query_counts AS (
              SELECT s.site_id, count(*) FILTER (WHERE q.status <> 'cancelled') AS queries,
                     count(*) FILTER (WHERE q.status IN ('open', 'answered')) AS open_queries
                FROM quality_query_facts q JOIN subjects s ON s.subject_number = q.subject_id
               WHERE q.protocol_id = ${protocol}
               GROUP BY s.site_id),
            event_counts AS (
              SELECT a.site_id::text AS site_id, count(*) FILTER (WHERE a.serious) AS serious_events,
                     count(*) FILTER (WHERE a.serious AND a.relationship = ANY(${related})) AS serious_related_events,
                     count(*) FILTER (WHERE a.outcome = 'fatal') AS fatal_events
                FROM edc_adverse_events a WHERE ${events} GROUP BY 1)
       SELECT sites.site_id,
              coalesce(sc.subjects, 0)::int AS subjects, coalesce(vc.data_rows, 0)::int AS data_rows,
              coalesce(qc.queries, 0)::int AS queries, coalesce(qc.open_queries, 0)::int AS open_queries,
              coalesce(ec.serious_events, 0)::int AS serious_events, coalesce(ec.serious_related_events, 0)::int AS serious_related_events,
              coalesce(ec.fatal_events, 0)::int AS fatal_events
         FROM sites
         LEFT JOIN subject_counts sc ON sc.site_id IS NOT DISTINCT FROM sites.site_id
         LEFT JOIN vital_counts vc ON vc.site_id IS NOT DISTINCT FROM sites.site_id
         LEFT JOIN query_counts qc ON qc.site_id IS NOT DISTINCT FROM sites.site_id
         LEFT JOIN event_counts ec ON ec.site_id IS NOT DISTINCT FROM sites.site_id
        ORDER BY sites.site_id NULLS LAST`,
      params,
    )) as SiteCounts[];
    return rows;
  }

  /**
   * The KRI rules' findings over the scope's stored vitals, counted per site in one statement:
   * values outside a range rule (a value two range rules flag counts once), subjects missing a
   * required visit, and records repeating a subject's visit.
   */
  async findingCounts(db: EntityManager, scope: AnalysisScope, rules: KriRules): Promise<SiteFindingCounts[]> {
    const params = new SqlParams();
    const relation = storedRelation(params, { protocolId: scope.protocolId, siteIds: scope.siteIds, subjectId: null, datasetId: scope.datasetId });
    const findings = findingsSql(relation, [rules.library], params);
    const ranges = params.add(rules.rangeRuleIds, 'text[]');
    const visits = params.add(rules.visitRuleIds, 'text[]');
    const duplicate = params.add(DUPLICATE_VISIT_RULE, 'text');
    return (await db.query(
      `SELECT f.site_id,
              count(DISTINCT (f.vital_sign_id, f.field)) FILTER (WHERE f.rule_id = ANY(${ranges}))::int AS out_of_range_values,
              count(DISTINCT f.subject_id) FILTER (WHERE f.rule_id = ANY(${visits}))::int AS subjects_missing_visits,
              count(DISTINCT f.vital_sign_id) FILTER (WHERE f.rule_id = ${duplicate})::int AS duplicate_visits
         FROM (${findings}) f
        GROUP BY f.site_id`,
      params.values,
    )) as SiteFindingCounts[];
  }
}
