import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { type AuditActor, fieldChanges } from '../../../../libs/audit/src/index.js';
import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { ClinicalChanges } from '../clinical-changes/clinical-changes.service.js';
import type { ChangeStudyDto } from './dto/change-study.dto.js';
import type { CreateStudyDto } from './dto/create-study.dto.js';
import type { StudyResponse } from './dto/study.response.js';
import { MAX_BLOCK_SIZE } from './dto/study-fields.js';
import { allocationSum, baselineProblems, blockSizeProblems, repeatedKeys, statusChangeProblem } from './study-design-checks.js';
import type { StudyDesign } from './study-design.js';
import { StudyReads } from './study-reads.js';
import { StudyRegistry } from './study-registry.js';
import { requireAllSites, studyEvent, StudyWrites } from './study-writes.js';
import { armForAudit, armsFrom, refuse, visitForAudit, visitsFrom } from './study-input.js';

/** The fields of PATCH /edc/studies/:protocolId that change something (reason only explains). */
const CHANGEABLE = ['title', 'status', 'baseline_visit', 'subject_id_format', 'allow_new_sites', 'allow_unscheduled_visits', 'allow_unlisted_arms', 'randomization'] as const;

/** The settings of a study as the audit trail shows them (the seed only as "changed"). */
function settingsOf(study: StudyDesign, seed: string | null = '(set)'): Record<string, unknown> {
  return {
    title: study.title,
    status: study.status,
    baseline_visit: study.baselineVisit,
    subject_id_format: study.subjectIdFormat,
    allow_new_sites: study.allowNewSites,
    allow_unscheduled_visits: study.allowUnscheduledVisits,
    allow_unlisted_arms: study.allowUnlistedArms,
    block_sizes: study.blockSizes,
    stratification_factors: study.stratificationFactors,
    randomization_seed: seed,
  };
}

/** Two block sizes, varied at random (one fixed size would let the last assignments of a block be guessed). */
function defaultBlockSizes(arms: StudyDesign['arms']): number[] {
  const sum = arms.length > 0 ? allocationSum(arms) : 2;
  const sizes = [2 * sum, 3 * sum].filter((size) => size <= MAX_BLOCK_SIZE);
  return sizes.length > 0 ? sizes : [2 * sum];
}

/** Creating, reading and changing studies (their sites, arms and schedule: StudyPartsService). */
@Injectable()
export class StudySetupService {
  constructor(
    private readonly changes: ClinicalChanges,
    private readonly registry: StudyRegistry,
    private readonly writes: StudyWrites,
    private readonly reads: StudyReads,
  ) {}

  async create(dto: CreateStudyDto, user: AuthenticatedUser, actor: AuditActor): Promise<StudyResponse> {
    requireAllSites(user);
    const arms = armsFrom(dto.arms ?? []);
    const visits = visitsFrom(dto.schedule ?? []);
    const design: StudyDesign = {
      protocolId: dto.protocol_id,
      title: dto.title,
      status: dto.status ?? 'set_up',
      baselineVisit: dto.baseline_visit ?? null,
      subjectIdFormat: dto.subject_id_format ?? null,
      allowNewSites: dto.allow_new_sites ?? false,
      allowUnscheduledVisits: dto.allow_unscheduled_visits ?? false,
      allowUnlistedArms: dto.allow_unlisted_arms ?? false,
      blockSizes: dto.randomization?.block_sizes ?? defaultBlockSizes(arms),
      stratificationFactors: dto.randomization?.stratification_factors ?? ['site'],
      sites: (dto.sites ?? []).map((site) => ({ siteId: site.site_id, name: site.name ?? null, active: true })),
      arms,
      visits,
    };
    refuse(
      [
        ...repeatedKeys('sites', design.sites, 'site_id', (site) => site.siteId),
        ...repeatedKeys('arms', design.arms, 'arm_code', (arm) => arm.armCode),
        ...repeatedKeys('schedule', design.visits, 'visit_name', (visit) => visit.visitName),
        ...blockSizeProblems(design.blockSizes, design.arms),
        ...baselineProblems(design.baselineVisit, design.visits),
      ],
      `Study ${design.protocolId} was not created`,
    );
    await this.changes.write(actor, async (db, effects) => {
      if (!(await this.registry.create(db, design, { ifMissing: true, seed: dto.randomization?.seed }))) {
        throw new ConflictException(`Study ${design.protocolId} already exists: change it with PATCH /edc/studies/${design.protocolId}`);
      }
      effects.audit(
        studyEvent('create', design.protocolId, {
          ...fieldChanges(null, settingsOf(design), ['randomization_seed']),
          sites: { old: null, new: design.sites.map((site) => ({ site_id: site.siteId, name: site.name })) },
          arms: { old: null, new: design.arms.map(armForAudit) },
          schedule: { old: null, new: design.visits.map(visitForAudit) },
        }),
      );
    });
    return this.reads.get(design.protocolId, user);
  }

  async change(protocolId: string, dto: ChangeStudyDto, user: AuthenticatedUser, actor: AuditActor): Promise<StudyResponse> {
    requireAllSites(user);
    const given = CHANGEABLE.filter((field) => dto[field] !== undefined);
    const randomization = dto.randomization ?? {};
    if (given.length === 0 || (given.length === 1 && given[0] === 'randomization' && Object.keys(randomization).length === 0)) {
      throw new BadRequestException(`Nothing to change: send at least one of ${CHANGEABLE.join(', ')} (randomization: block_sizes, stratification_factors, seed)`);
    }
    await this.writes.change(actor, protocolId, async (db, study, audit) => {
      const next: StudyDesign = {
        ...study,
        title: dto.title ?? study.title,
        status: dto.status ?? study.status,
        baselineVisit: dto.baseline_visit === undefined ? study.baselineVisit : dto.baseline_visit,
        subjectIdFormat: dto.subject_id_format === undefined ? study.subjectIdFormat : dto.subject_id_format,
        allowNewSites: dto.allow_new_sites ?? study.allowNewSites,
        allowUnscheduledVisits: dto.allow_unscheduled_visits ?? study.allowUnscheduledVisits,
        allowUnlistedArms: dto.allow_unlisted_arms ?? study.allowUnlistedArms,
        blockSizes: randomization.block_sizes ?? study.blockSizes,
        stratificationFactors: randomization.stratification_factors ?? study.stratificationFactors,
      };
      const statusProblem = statusChangeProblem(study.status, next.status, dto.reason);
      if (statusProblem && study.status === 'closed' && next.status === 'enrolling') refuse([{ field: 'reason', problems: [statusProblem] }], `Study ${protocolId} was not reopened`);
      if (statusProblem) throw new ConflictException(`Study ${protocolId} is ${study.status}: ${statusProblem}`);
      refuse(
        [...blockSizeProblems(next.blockSizes, next.arms), ...baselineProblems(next.baselineVisit, next.visits)],
        `Study ${protocolId} was not changed`,
      );
      const before = settingsOf(study);
      const after = settingsOf(next, randomization.seed === undefined ? '(set)' : '(new)');
      const changed = fieldChanges(before, after, ['randomization_seed']);
      if (Object.keys(changed).length === 0) return;
      const randomizationChanged = ['block_sizes', 'stratification_factors', 'randomization_seed'].some((field) => field in changed);
      if (randomizationChanged && (await this.writes.randomizationStarted(db, protocolId))) {
        throw new ConflictException(
          `The randomization settings of study ${protocolId} cannot change: the platform has already randomized subjects of it, and their assignments follow from these settings`,
        );
      }
      await db.query(
        `UPDATE studies
            SET title = $2, status = $3, baseline_visit = $4, subject_id_format = $5, allow_new_sites = $6,
                allow_unscheduled_visits = $7, allow_unlisted_arms = $8, randomization_block_sizes = $9::smallint[],
                stratification_factors = $10::text[], randomization_seed = coalesce($11, randomization_seed), updated_at = now()
          WHERE protocol_id = $1`,
        [
          protocolId,
          next.title,
          next.status,
          next.baselineVisit,
          next.subjectIdFormat,
          next.allowNewSites,
          next.allowUnscheduledVisits,
          next.allowUnlistedArms,
          next.blockSizes,
          next.stratificationFactors,
          randomization.seed ?? null,
        ],
      );
      audit(studyEvent('update', protocolId, changed, dto.reason));
    });
    return this.reads.get(protocolId, user);
  }
}

