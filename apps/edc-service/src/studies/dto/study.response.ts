import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type Page, PageInfo } from '../../../../../libs/platform/src/index.js';
import { STUDY_STATUSES, type StudyArm, type StudyDesign, type StudySite, type StudyStatus, type StudyVisit } from '../study-design.js';
import { STRATIFICATION_FACTORS } from './study-fields.js';

export class StudySiteResponse {
  @ApiProperty({ example: 'S01' })
  site_id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Oslo University Hospital' })
  name!: string | null;

  @ApiProperty({ description: 'false: the site is closed and takes no new records' })
  active!: boolean;
}

export class StudyArmResponse {
  @ApiProperty({ example: 'Active' })
  arm_code!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Active treatment' })
  description!: string | null;

  @ApiProperty({ type: 'integer', example: 1 })
  allocation_ratio!: number;
}

export class StudyVisitResponse {
  @ApiProperty({ example: 'Week 4' })
  visit_name!: string;

  @ApiProperty({ type: 'integer', example: 28, description: 'study day (day 1 is the baseline day; there is no day 0)' })
  planned_day!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  window_before!: number;

  @ApiProperty({ type: 'integer', example: 3 })
  window_after!: number;

  @ApiProperty()
  required!: boolean;
}

export class StudyRandomizationResponse {
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    example: [4, 6],
    description: 'permuted block sizes, varied at random; shown only to users who set up studies (admin, data_manager): with known block sizes the last assignments of a block can be guessed',
  })
  block_sizes?: number[];

  @ApiPropertyOptional({ enum: STRATIFICATION_FACTORS, isArray: true, example: ['site'], description: 'shown only to users who set up studies (admin, data_manager)' })
  stratification_factors?: string[];

  @ApiProperty({ description: 'whether the study has its secret seed (never shown)' })
  seed_set!: boolean;

  @ApiProperty({ description: 'whether the platform has randomized a subject of the study (its arms and randomization settings are then fixed)' })
  started!: boolean;
}

export class StudyResponse {
  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ example: 'Default study' })
  title!: string;

  @ApiProperty({ enum: STUDY_STATUSES, example: 'enrolling' })
  status!: StudyStatus;

  @ApiProperty({ type: String, nullable: true, example: 'Day 1' })
  baseline_visit!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'RA001-{seq:3}' })
  subject_id_format!: string | null;

  @ApiProperty()
  allow_new_sites!: boolean;

  @ApiProperty()
  allow_unscheduled_visits!: boolean;

  @ApiProperty()
  allow_unlisted_arms!: boolean;

  @ApiProperty({ type: StudyRandomizationResponse })
  randomization!: StudyRandomizationResponse;

  @ApiProperty({ type: [StudySiteResponse], description: 'ordered by site id; a user limited to sites sees only theirs' })
  sites!: StudySiteResponse[];

  @ApiProperty({ type: [StudyArmResponse], description: 'in display order' })
  arms!: StudyArmResponse[];

  @ApiProperty({ type: [StudyVisitResponse], description: 'the visit schedule in display order' })
  schedule!: StudyVisitResponse[];

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class StudyPage implements Page<StudyResponse> {
  @ApiProperty({ type: [StudyResponse], description: 'ordered by protocol id' })
  data!: StudyResponse[];

  @ApiProperty({ type: PageInfo })
  page!: PageInfo;
}

export class StudySitesResponse {
  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: [StudySiteResponse], description: 'ordered by site id; a user limited to sites sees only theirs' })
  sites!: StudySiteResponse[];
}

export class StudyArmsResponse {
  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: [StudyArmResponse], description: 'in display order' })
  arms!: StudyArmResponse[];
}

export class StudyScheduleResponse {
  @ApiProperty({ example: 'DEFAULT' })
  protocol_id!: string;

  @ApiProperty({ type: [StudyVisitResponse], description: 'in display order' })
  schedule!: StudyVisitResponse[];
}

/** What the study row holds beyond its design: never the seed itself. */
export interface StudyMeta {
  seedSet: boolean;
  randomizationStarted: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const toSiteResponse = (site: StudySite): StudySiteResponse => ({ site_id: site.siteId, name: site.name, active: site.active });
export const toArmResponse = (arm: StudyArm): StudyArmResponse => ({ arm_code: arm.armCode, description: arm.description, allocation_ratio: arm.allocationRatio });
export const toVisitResponse = (visit: StudyVisit): StudyVisitResponse => ({
  visit_name: visit.visitName,
  planned_day: visit.plannedDay,
  window_before: visit.windowBefore,
  window_after: visit.windowAfter,
  required: visit.required,
});

/**
 * `showBlockDesign`: the block sizes and strata, for users who set up studies only. Allocation
 * concealment: whoever sees the arms of a site's subjects in order and knows the block sizes can
 * predict the last assignments of each block.
 */
export function toStudyResponse(study: StudyDesign, meta: StudyMeta, options: { showBlockDesign: boolean }): StudyResponse {
  return {
    protocol_id: study.protocolId,
    title: study.title,
    status: study.status,
    baseline_visit: study.baselineVisit,
    subject_id_format: study.subjectIdFormat,
    allow_new_sites: study.allowNewSites,
    allow_unscheduled_visits: study.allowUnscheduledVisits,
    allow_unlisted_arms: study.allowUnlistedArms,
    randomization: {
      ...(options.showBlockDesign ? { block_sizes: study.blockSizes, stratification_factors: study.stratificationFactors } : {}),
      seed_set: meta.seedSet,
      started: meta.randomizationStarted,
    },
    sites: study.sites.map(toSiteResponse),
    arms: study.arms.map(toArmResponse),
    schedule: study.visits.map(toVisitResponse),
    created_at: meta.createdAt.toISOString(),
    updated_at: meta.updatedAt.toISOString(),
  };
}
