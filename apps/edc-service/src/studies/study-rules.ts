import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditEventInput } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { StudyDesign } from './study-design.js';
import { StudyDirectory } from './study-directory.js';
import { StudyRegistry } from './study-registry.js';

/** What a captured record says about where it belongs. */
export interface RecordPlacement {
  /** How the caller names the record in errors: `records[3]`, `line 12`. */
  label: string;
  protocolId: string;
  siteId: string | null;
  visitName: string;
  /** Absent for records that do not name an arm (the subject's own arm applies). */
  treatmentArm?: string | null;
}

/** Who the refusals are written for: a site-limited user is told only of the sites they may see. */
export interface PlacementOptions {
  user?: AuthenticatedUser;
}

/**
 * The study's rules for captured records: an unknown visit, arm or site is refused (naming the
 * record, the field and the allowed values) unless the study allows it; a closed study takes no
 * new data. Studies first named here are created open, and new sites of a study that takes them
 * are added, both audited.
 */
@Injectable()
export class StudyRules {
  constructor(
    private readonly directory: StudyDirectory,
    private readonly registry: StudyRegistry,
  ) {}

  /** Checks the records in the caller's transaction; returns the audit events of what it created. */
  async admit(db: EntityManager, records: RecordPlacement[], options: PlacementOptions = {}): Promise<AuditEventInput[]> {
    const protocolIds = [...new Set(records.map((record) => record.protocolId))];
    const events = await this.registry.ensureStudies(db, protocolIds);
    // Changes to a study's set-up lock its row FOR UPDATE: records wait for them and are checked
    // against what they left, and a change cannot remove what a record in flight relies on.
    await db.query(`SELECT 1 FROM studies WHERE protocol_id = ANY ($1::text[]) ORDER BY protocol_id FOR KEY SHARE`, [protocolIds]);
    const studies = await this.directory.find(db, protocolIds);
    const problems: ApiErrorDetail[] = [];
    const newSites = new Map<string, Set<string>>();
    for (const record of records) {
      const study = studies.get(record.protocolId) as StudyDesign;
      if (study.status === 'closed') {
        throw new ConflictException(`${record.label}: study ${study.protocolId} is closed; it takes no new data`);
      }
      problems.push(...placementProblems(study, record, options));
      if (record.siteId !== null && study.allowNewSites && !study.sites.some((site) => site.siteId === record.siteId)) {
        const sites = newSites.get(study.protocolId) ?? new Set<string>();
        newSites.set(study.protocolId, sites.add(record.siteId));
      }
    }
    if (problems.length > 0) {
      throw new BadRequestException({
        message: `${problems.length} record(s) do not fit their study; nothing was stored (first: ${problems[0].field} ${problems[0].problems[0]})`,
        details: problems.slice(0, 50),
      });
    }
    for (const [protocolId, sites] of newSites) {
      const added = await this.registry.addSites(db, protocolId, [...sites].sort());
      if (added.length > 0) {
        events.push({ action: 'add_sites', entityType: 'study', entityId: protocolId, changes: { sites: { old: null, new: added } }, reason: 'named by captured records' });
      }
    }
    return events;
  }
}

/** What is wrong with where one record says it belongs, by field. */
export function placementProblems(study: StudyDesign, record: RecordPlacement, options: PlacementOptions = {}): ApiErrorDetail[] {
  const problems: ApiErrorDetail[] = [];
  const refuse = (field: string, problem: string) => problems.push({ field: `${record.label}.${field}`, problems: [problem] });
  if (!study.allowUnscheduledVisits && !study.visits.some((visit) => visit.visitName === record.visitName)) {
    refuse('VisitName', `"${record.visitName}" is not a visit of study ${study.protocolId} (allowed: ${allowed(study.visits.map((v) => v.visitName))})`);
  }
  if (record.treatmentArm != null && !study.allowUnlistedArms && !study.arms.some((arm) => arm.armCode === record.treatmentArm)) {
    refuse('TreatmentArm', `"${record.treatmentArm}" is not an arm of study ${study.protocolId} (allowed: ${allowed(study.arms.map((a) => a.armCode))})`);
  }
  if (record.siteId !== null) {
    const site = study.sites.find((candidate) => candidate.siteId === record.siteId);
    if (site && !site.active) {
      refuse('SiteID', `site "${record.siteId}" of study ${study.protocolId} is closed`);
    } else if (!site && !study.allowNewSites) {
      refuse('SiteID', `"${record.siteId}" is not a site of study ${study.protocolId} (allowed: ${allowed(allowedSites(study, options.user))})`);
    }
  }
  return problems;
}

/** The study's active sites, limited to those the user may see (all of them when no user is named). */
export function allowedSites(study: StudyDesign, user?: AuthenticatedUser): string[] {
  return study.sites.filter((site) => site.active && (user === undefined || mayAccessSite(user, site.siteId))).map((site) => site.siteId);
}

const allowed = (values: string[]): string => (values.length > 0 ? values.join(', ') : 'none set up yet');
