import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuditActor } from '../../../../libs/audit/src/index.js';
import { type AuthenticatedUser, mayAccessSite } from '../../../../libs/auth/src/index.js';
import type { AddSiteDto, ChangeSiteDto, ReplaceArmsDto, ReplaceScheduleDto } from './dto/change-study.dto.js';
import {
  type StudyArmsResponse,
  type StudyScheduleResponse,
  type StudySiteResponse,
  type StudySitesResponse,
  toArmResponse,
  toSiteResponse,
  toVisitResponse,
} from './dto/study.response.js';
import { allocationSum, blockSizeProblems, lcm, repeatedKeys } from './study-design-checks.js';
import type { StudySite } from './study-design.js';
import { StudyReads } from './study-reads.js';
import { StudyRegistry } from './study-registry.js';
import { armForAudit, armsFrom, refuse, visitForAudit, visitsFrom } from './study-input.js';
import { requireAllSites, studyEvent, StudyWrites } from './study-writes.js';

const siteNotFound = (protocolId: string, siteId: string) => new NotFoundException(`No site ${siteId} in study ${protocolId}`);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const names = (rows: Array<{ name: string; n: number }>): string => rows.map((row) => `"${row.name}" (${row.n})`).join(', ');

/** A study's sites, arms and visit schedule: read, added, changed, replaced, each change audited. */
@Injectable()
export class StudyPartsService {
  constructor(
    private readonly reads: StudyReads,
    private readonly writes: StudyWrites,
    private readonly registry: StudyRegistry,
  ) {}

  async sites(protocolId: string, user: AuthenticatedUser): Promise<StudySitesResponse> {
    const study = await this.reads.design(protocolId, user);
    return { protocol_id: protocolId, sites: study.sites.map(toSiteResponse) };
  }

  async arms(protocolId: string, user: AuthenticatedUser): Promise<StudyArmsResponse> {
    const study = await this.reads.design(protocolId, user);
    return { protocol_id: protocolId, arms: study.arms.map(toArmResponse) };
  }

  async schedule(protocolId: string, user: AuthenticatedUser): Promise<StudyScheduleResponse> {
    const study = await this.reads.design(protocolId, user);
    return { protocol_id: protocolId, schedule: study.visits.map(toVisitResponse) };
  }

  async addSite(protocolId: string, dto: AddSiteDto, user: AuthenticatedUser, actor: AuditActor): Promise<StudySiteResponse> {
    if (!mayAccessSite(user, dto.site_id)) {
      throw new ForbiddenException(`You may not add site ${dto.site_id}: you are limited to ${user.siteIds.join(', ')}`);
    }
    return this.writes.change(actor, protocolId, async (db, _study, audit) => {
      const added = await this.registry.addSites(db, protocolId, [dto.site_id], [dto.name ?? null]);
      if (added.length === 0) {
        throw new ConflictException(`Site ${dto.site_id} is already a site of study ${protocolId}: change it with PATCH /edc/studies/${protocolId}/sites/${dto.site_id}`);
      }
      const site: StudySite = { siteId: dto.site_id, name: dto.name ?? null, active: true };
      audit(studyEvent('add_site', protocolId, { [`sites.${site.siteId}`]: { old: null, new: { name: site.name, active: true } } }, dto.reason));
      return toSiteResponse(site);
    });
  }

  async changeSite(protocolId: string, siteId: string, dto: ChangeSiteDto, user: AuthenticatedUser, actor: AuditActor): Promise<StudySiteResponse> {
    // A site the user may not see is answered as one that does not exist.
    if (!mayAccessSite(user, siteId)) throw siteNotFound(protocolId, siteId);
    if (dto.name === undefined && dto.active === undefined) throw new BadRequestException('Nothing to change: send name or active');
    return this.writes.change(actor, protocolId, async (db, study, audit) => {
      const site = study.sites.find((candidate) => candidate.siteId === siteId);
      if (!site) throw siteNotFound(protocolId, siteId);
      const next: StudySite = { ...site, name: dto.name === undefined ? site.name : dto.name, active: dto.active ?? site.active };
      if (same(site, next)) return toSiteResponse(site);
      await db.query(`UPDATE study_sites SET name = $3, active = $4 WHERE protocol_id = $1 AND site_id = $2`, [protocolId, siteId, next.name, next.active]);
      const changes: Record<string, { old: unknown; new: unknown }> = {};
      if (site.name !== next.name) changes[`sites.${siteId}.name`] = { old: site.name, new: next.name };
      if (site.active !== next.active) changes[`sites.${siteId}.active`] = { old: site.active, new: next.active };
      audit(studyEvent('update_site', protocolId, changes, dto.reason));
      return toSiteResponse(next);
    });
  }

  async replaceArms(protocolId: string, dto: ReplaceArmsDto, user: AuthenticatedUser, actor: AuditActor): Promise<StudyArmsResponse> {
    requireAllSites(user);
    const arms = armsFrom(dto.arms);
    refuse(repeatedKeys('arms', arms, 'arm_code', (arm) => arm.armCode), `The arms of study ${protocolId} were not replaced`);
    return this.writes.change(actor, protocolId, async (db, study, audit) => {
      const before = study.arms.map(armForAudit);
      const after = arms.map(armForAudit);
      if (same(before, after)) return { protocol_id: protocolId, arms: study.arms.map(toArmResponse) };
      if (await this.writes.randomizationStarted(db, protocolId)) {
        throw new ConflictException(`The arms of study ${protocolId} cannot change: the platform has already randomized subjects of it to these arms`);
      }
      const removed = study.arms.map((arm) => arm.armCode).filter((code) => !arms.some((arm) => arm.armCode === code));
      if (removed.length > 0) {
        const inUse: Array<{ name: string; n: number }> = await db.query(
          `SELECT treatment_arm AS name, count(*)::int AS n FROM patients
            WHERE protocol_id = $1 AND treatment_arm = ANY ($2::text[]) GROUP BY treatment_arm ORDER BY treatment_arm`,
          [protocolId, removed],
        );
        if (inUse.length > 0) {
          throw new ConflictException(`The arms of study ${protocolId} were not replaced: stored subjects are in ${names(inUse)} (subjects per arm); keep those arms in the list`);
        }
      }
      const misfit = blockSizeProblems(study.blockSizes, arms, 'arms');
      if (misfit.length > 0) {
        const sum = allocationSum(arms);
        const both = lcm(allocationSum(study.arms) || sum, sum);
        refuse(
          [{ field: 'arms', problems: [`the study's block sizes ${study.blockSizes.join(', ')} are not multiples of ${sum}, the sum of these allocation ratios: first set randomization.block_sizes to multiples of both the current and the new sums (e.g. ${both}) with PATCH /edc/studies/${protocolId}`] }],
          `The arms of study ${protocolId} were not replaced`,
        );
      }
      await this.registry.replaceArms(db, protocolId, { arms });
      audit(studyEvent('replace_arms', protocolId, { arms: { old: before, new: after } }, dto.reason));
      return { protocol_id: protocolId, arms: arms.map(toArmResponse) };
    });
  }

  async replaceSchedule(protocolId: string, dto: ReplaceScheduleDto, user: AuthenticatedUser, actor: AuditActor): Promise<StudyScheduleResponse> {
    requireAllSites(user);
    const visits = visitsFrom(dto.schedule);
    refuse(repeatedKeys('schedule', visits, 'visit_name', (visit) => visit.visitName), `The schedule of study ${protocolId} was not replaced`);
    return this.writes.change(actor, protocolId, async (db, study, audit) => {
      const before = study.visits.map(visitForAudit);
      const after = visits.map(visitForAudit);
      if (same(before, after)) return { protocol_id: protocolId, schedule: study.visits.map(toVisitResponse) };
      if (study.baselineVisit !== null && !visits.some((visit) => visit.visitName === study.baselineVisit)) {
        refuse(
          [{ field: 'schedule', problems: [`must keep the baseline visit "${study.baselineVisit}" (or change baseline_visit first with PATCH /edc/studies/${protocolId})`] }],
          `The schedule of study ${protocolId} was not replaced`,
        );
      }
      const removed = study.visits.map((visit) => visit.visitName).filter((name) => !visits.some((visit) => visit.visitName === name));
      if (removed.length > 0) {
        const inUse: Array<{ name: string; n: number }> = await db.query(
          `SELECT v.visit_name AS name, count(*)::int AS n
             FROM vital_signs v JOIN patients p ON p.id = v.patient_id
            WHERE p.protocol_id = $1 AND v.visit_name = ANY ($2::text[]) AND v.entered_in_error_at IS NULL
            GROUP BY v.visit_name ORDER BY v.visit_name`,
          [protocolId, removed],
        );
        if (inUse.length > 0) {
          throw new ConflictException(`The schedule of study ${protocolId} was not replaced: stored vital signs are at ${names(inUse)} (records per visit); keep those visits in the schedule`);
        }
      }
      await this.registry.replaceVisits(db, protocolId, { visits });
      audit(studyEvent('replace_schedule', protocolId, { schedule: { old: before, new: after } }, dto.reason));
      return { protocol_id: protocolId, schedule: visits.map(toVisitResponse) };
    });
  }
}
