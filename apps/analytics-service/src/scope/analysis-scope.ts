/** What data an analysis reads: one study, all of its sites or some, optionally one stored generated dataset. */
export interface AnalysisScope {
  protocolId: string;
  /** Null: every site of the study. */
  siteIds: string[] | null;
  /** Only the subjects stored from this generated (synthetic) dataset. */
  datasetId: string | null;
  /** The user may see only some sites: `siteIds` are the requested sites among theirs. */
  siteLimited: boolean;
}

/** The scope as every answer states it. */
export interface ScopeDescription {
  study: string;
  sites: string[] | 'all';
  dataset_id: string | null;
  site_limited: boolean;
  /** For a site-limited reader: that the figures cover their sites' subjects only. */
  note: string | null;
}

export function describeScope(scope: AnalysisScope): ScopeDescription {
  return {
    study: scope.protocolId,
    sites: scope.siteIds ?? 'all',
    dataset_id: scope.datasetId,
    site_limited: scope.siteLimited,
    note: scope.siteLimited
      ? `Computed over the subjects of your sites only (${(scope.siteIds ?? []).join(', ')}), not the whole study`
      : null,
  };
}

/**
 * SQL conditions (joined by AND, never empty) restricting one of the EDC's views that have
 * protocol_id, site_id and dataset_id columns (edc_subjects, edc_vitals, edc_adverse_events),
 * aliased `alias`. Values go to `params` as placeholders.
 */
export function scopeConditions(scope: AnalysisScope, alias: string, params: unknown[]): string {
  const conditions = [`${alias}.protocol_id = $${params.push(scope.protocolId)}`];
  if (scope.siteIds !== null) conditions.push(`${alias}.site_id = ANY($${params.push(scope.siteIds)}::text[])`);
  if (scope.datasetId !== null) conditions.push(`${alias}.dataset_id = $${params.push(scope.datasetId)}::uuid`);
  return conditions.join(' AND ');
}

/** A stable text of the scope, for cache keys and the report's provenance. */
export function scopeKey(scope: AnalysisScope): string {
  return JSON.stringify([scope.protocolId, scope.siteIds === null ? null : [...scope.siteIds].sort(), scope.datasetId]);
}
