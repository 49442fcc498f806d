import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AnalysisScope, describeScope } from '../../scope/analysis-scope.js';
import { referenceArm, type StudyDesign } from '../../scope/study-design.reader.js';
import { StatsService } from '../../stats/stats.service.js';
import { CSR_DATA_HASH_METHOD, CsrDataRepository, NOTABLE_CRITERIA } from './csr-data.repository.js';
import type { AdverseEventOverviewRow, CsrReport, DispositionRow, QuerySiteRow } from './csr-report.js';
import { fixed, pValue } from './numbers.js';
import { primaryEndpoint, vitalSignTables } from './statistics-sections.js';

export interface ReportProvenance {
  title: string;
  generatedAt: string;
  generatedBy: string | null;
  softwareVersion: string;
  /** null: a draft, whose data is not hashed. */
  dataSha256: string | null;
}

export const SYNTHETIC_NOTICE =
  'SYNTHETIC DATA: subjects of this report were stored from a generated dataset. The figures describe simulated subjects, not patients.';

/**
 * Builds the report (ICH E3 sections) for a scope: the counts, listings and data quality from the
 * published views and the vital-sign statistics from the statistics service, all in the caller's transaction.
 */
@Injectable()
export class CsrBuilder {
  constructor(
    private readonly data: CsrDataRepository,
    private readonly stats: StatsService,
  ) {}

  /** `checkpoint` is called between statements: it throws once the report's deadline has passed. */
  async build(db: EntityManager, scope: AnalysisScope, design: StudyDesign, checkpoint: () => void, provenance: ReportProvenance): Promise<CsrReport> {
    const [synthetic, disposition, demographics, overview, bodySystems, notable, runs, querySites, subjects, vitals, events, serious, deaths] = await sequential([
      () => this.data.synthetic(db, scope),
      () => this.data.disposition(db, scope),
      () => this.data.demographics(db, scope),
      () => this.data.adverseEventOverview(db, scope),
      () => this.data.adverseEventsByBodySystem(db, scope),
      () => this.data.notableValues(db, scope),
      () => this.data.qualityRuns(db, scope),
      () => this.data.queriesBySite(db, scope),
      () => this.data.subjectListing(db, scope),
      () => this.data.vitalsListing(db, scope),
      () => this.data.adverseEventListing(db, scope, 'all'),
      () => this.data.adverseEventListing(db, scope, 'serious'),
      () => this.data.adverseEventListing(db, scope, 'fatal'),
    ] as const, checkpoint);
    // In the same snapshot as the rest of the report and its data hash.
    const descriptive = await this.stats.descriptive(scope, db);
    checkpoint();
    const comparisons = await this.stats.comparisons(scope, ['systolic_bp'], db);

    const armOrder = armComparator(design);
    const arms = [...new Set([...design.arms.map((arm) => arm.code), ...disposition.map((row) => row.arm).filter((arm) => arm !== null)])];
    const reference = referenceArm(design);
    const baselineOrder = design.visits.find((visit) => visit.name === design.baselineVisit)?.order ?? null;
    const postBaseline = design.visits.filter((visit) => baselineOrder === null || visit.order > baselineOrder);
    const lastVisit = postBaseline.at(-1)?.name ?? null;
    const primary = primaryEndpoint(descriptive, comparisons, lastVisit);

    const dispositionRows = disposition.sort((a, b) => armOrder(a.arm, b.arm));
    const overviewRows = overview.sort((a, b) => armOrder(a.arm, b.arm));
    const queryTotal = sumRows(querySites, { site_id: null, opened: 0, answered: 0, closed: 0, cancelled: 0, open: 0 });
    const aeTotal = sumRows(overviewRows, { arm: null, subjects: 0, with_any: 0, serious: 0, related: 0, fatal: 0, events: 0 });
    const dispositionTotal = sumRows(dispositionRows, { arm: null, screened: 0, enrolled: 0, randomized: 0, completed: 0, withdrawn: 0, ongoing: 0 });
    const notableArms = [...arms, ...(notable.some((row) => row.arm === null) ? [null] : [])];

    return {
      format: 'csr/1',
      synthetic,
      synthetic_notice: synthetic ? SYNTHETIC_NOTICE : null,
      title_page: {
        title: provenance.title,
        protocol_id: design.protocolId,
        study_title: design.title,
        study_status: design.status,
        generated_at: provenance.generatedAt,
        generated_by: provenance.generatedBy,
        software_version: provenance.softwareVersion,
        data_sha256: provenance.dataSha256,
        data_sha256_method: provenance.dataSha256 === null ? null : CSR_DATA_HASH_METHOD,
        scope: describeScope(scope),
        guideline: 'Structured after ICH E3 (Structure and Content of Clinical Study Reports)',
      },
      synopsis: {
        subjects_enrolled: dispositionTotal.enrolled,
        subjects_randomized: dispositionTotal.randomized,
        arms,
        primary_endpoint: primary.description,
        primary_result: primaryResult(primary),
        subjects_with_adverse_events: aeTotal.with_any,
        subjects_with_serious_adverse_events: aeTotal.serious,
        open_queries: queryTotal.open,
      },
      study_design: {
        arms: design.arms.map((arm) => ({ code: arm.code, ratio: arm.ratio })),
        allocation_ratio: design.arms.map((arm) => arm.ratio).join(':'),
        baseline_visit: design.baselineVisit,
        reference_arm: reference,
        visits: design.visits.map((visit) => ({
          name: visit.name,
          order: visit.order,
          planned_day: visit.plannedDay,
          window_before: visit.windowBefore,
          window_after: visit.windowAfter,
          required: visit.required,
        })),
      },
      study_subjects: {
        disposition: dispositionRows,
        disposition_total: dispositionTotal,
        demographics: demographics.sort((a, b) => (a.arm === null ? 1 : b.arm === null ? -1 : armOrder(a.arm, b.arm))),
      },
      efficacy: { primary_endpoint: primary },
      safety: {
        adverse_events_overview: overviewRows,
        adverse_events_by_body_system: bodySystems,
        serious_events: serious,
        deaths,
        vital_signs: vitalSignTables(descriptive),
        notable_values: {
          criteria: NOTABLE_CRITERIA.map((criterion) => criterion.label),
          rows: NOTABLE_CRITERIA.flatMap((criterion) =>
            notableArms.map((arm) => {
              const hit = notable.find((row) => row.criterion === criterion.label && row.arm === arm);
              return { criterion: criterion.label, arm, subjects: hit?.subjects ?? 0, records: hit?.records ?? 0 };
            }),
          ),
        },
      },
      data_quality: { runs, queries_by_site: querySites, queries_total: queryTotal },
      appendices: [subjects, vitals, events],
    };
  }
}

/** One statement at a time (a transaction's connection runs one query at a time anyway), none past the deadline. */
async function sequential<T extends readonly (() => Promise<unknown>)[]>(steps: T, checkpoint: () => void): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const step of steps) {
    checkpoint();
    results.push(await step());
  }
  return results as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

/** Arms in the study's order, arms only in the data after them, no arm last. */
function armComparator(design: StudyDesign): (a: string | null, b: string | null) => number {
  const rank = (arm: string | null) => (arm === null ? Number.MAX_SAFE_INTEGER : design.arms.findIndex((a) => a.code === arm) + 1 || design.arms.length + 1);
  return (a, b) => rank(a) - rank(b) || String(a).localeCompare(String(b));
}

/** The total of each count column, the other columns as in `total`. */
function sumRows<T extends DispositionRow | AdverseEventOverviewRow | QuerySiteRow>(rows: T[], total: T): T {
  const sum: Record<string, unknown> = { ...total };
  for (const row of rows) {
    for (const [key, value] of Object.entries(row)) if (typeof value === 'number') sum[key] = (sum[key] as number) + value;
  }
  return sum as T;
}

function primaryResult(primary: CsrReport['efficacy']['primary_endpoint']): string {
  if (primary.not_computed !== null && primary.ancova.length === 0) return `Not computed: ${primary.not_computed}`;
  return primary.ancova
    .map((c) =>
      c.difference === null
        ? `${c.arm} vs ${c.reference_arm}: not computed${c.not_computed ? ` (${c.not_computed})` : ''}`
        : `${c.arm} vs ${c.reference_arm}: adjusted difference ${fixed(c.difference)} mmHg (95% CI ${fixed(c.ci_lower)} to ${fixed(c.ci_upper)}), p = ${pValue(c.p_value)} (ANCOVA)`,
    )
    .join('; ');
}
