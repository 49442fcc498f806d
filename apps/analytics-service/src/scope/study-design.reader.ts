import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PlatformConfig } from '../../../../libs/config/src/index.js';

export interface StudyArm {
  code: string;
  ratio: number;
}

export interface StudyVisit {
  name: string;
  order: number;
  plannedDay: number | null;
  windowBefore: number;
  windowAfter: number;
  required: boolean;
}

/** A study's set-up as the EDC publishes it (views edc_studies, edc_study_arms, edc_study_visits). */
export interface StudyDesign {
  protocolId: string;
  title: string | null;
  status: string;
  baselineVisit: string;
  /** In display order. */
  arms: StudyArm[];
  /** In schedule order. */
  visits: StudyVisit[];
}

/** The arm others are compared with: Placebo when the study has it, else its first arm. */
export function referenceArm(design: StudyDesign): string | null {
  return design.arms.find((arm) => arm.code.toLowerCase() === 'placebo')?.code ?? design.arms[0]?.code ?? null;
}

/**
 * A study's set-up as analyses use it. A study without a schedule (or arms, or baseline visit) of
 * its own is analysed with the platform's default study's, as generation generates it.
 */
@Injectable()
export class StudyDesignReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: PlatformConfig,
  ) {}

  async read(protocolId: string, db: EntityManager | DataSource = this.dataSource): Promise<StudyDesign> {
    const own = await this.readOwn(protocolId, db);
    if (own.visits.length > 0 && own.arms.length > 0 && own.baselineVisit !== null) return { ...own, baselineVisit: own.baselineVisit };
    const defaults = protocolId === this.config.DEFAULT_PROTOCOL_ID ? own : await this.readOwn(this.config.DEFAULT_PROTOCOL_ID, db).catch(() => own);
    const visits = own.visits.length > 0 ? own.visits : defaults.visits;
    return {
      ...own,
      arms: own.arms.length > 0 ? own.arms : defaults.arms,
      visits,
      baselineVisit: own.baselineVisit ?? (own.visits.length > 0 ? null : defaults.baselineVisit) ?? visits[0]?.name ?? 'Day 1',
    };
  }

  private async readOwn(protocolId: string, db: EntityManager | DataSource): Promise<Omit<StudyDesign, 'baselineVisit'> & { baselineVisit: string | null }> {
    // One after another: `db` may be the caller's transaction, whose connection runs one query at a time.
    const studies = (await db.query(`SELECT protocol_id, title, status, baseline_visit FROM edc_studies WHERE protocol_id = $1`, [protocolId])) as StudyRow[];
    const arms = (await db.query(`SELECT arm_code, allocation_ratio FROM edc_study_arms WHERE protocol_id = $1 ORDER BY display_order, arm_code`, [protocolId])) as ArmRow[];
    const visits = (await db.query(
      `SELECT visit_name, display_order, planned_day, window_before, window_after, required
         FROM edc_study_visits WHERE protocol_id = $1 ORDER BY display_order, visit_name`,
      [protocolId],
    )) as VisitRow[];
    const study = studies[0];
    if (!study) throw new NotFoundException(`No study ${protocolId}`);
    return {
      protocolId: study.protocol_id,
      title: study.title,
      status: study.status,
      baselineVisit: study.baseline_visit,
      arms: arms.map((arm) => ({ code: arm.arm_code, ratio: Number(arm.allocation_ratio) })),
      visits: visits.map((visit) => ({
        name: visit.visit_name,
        order: Number(visit.display_order),
        plannedDay: visit.planned_day === null ? null : Number(visit.planned_day),
        windowBefore: Number(visit.window_before),
        windowAfter: Number(visit.window_after),
        required: visit.required,
      })),
    };
  }
}

interface StudyRow {
  protocol_id: string;
  title: string | null;
  status: string;
  baseline_visit: string | null;
}

interface ArmRow {
  arm_code: string;
  allocation_ratio: number | string;
}

interface VisitRow {
  visit_name: string;
  display_order: number | string;
  planned_day: number | string | null;
  window_before: number | string;
  window_after: number | string;
  required: boolean;
}
