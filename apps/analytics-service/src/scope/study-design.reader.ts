import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

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

@Injectable()
export class StudyDesignReader {
  constructor(private readonly dataSource: DataSource) {}

  async read(protocolId: string, db: EntityManager | DataSource = this.dataSource): Promise<StudyDesign> {
    const [studies, arms, visits] = await Promise.all([
      db.query(`SELECT protocol_id, title, status, baseline_visit FROM edc_studies WHERE protocol_id = $1`, [protocolId]) as Promise<StudyRow[]>,
      db.query(`SELECT arm_code, allocation_ratio FROM edc_study_arms WHERE protocol_id = $1 ORDER BY display_order, arm_code`, [protocolId]) as Promise<ArmRow[]>,
      db.query(
        `SELECT visit_name, display_order, planned_day, window_before, window_after, required
           FROM edc_study_visits WHERE protocol_id = $1 ORDER BY display_order, visit_name`,
        [protocolId],
      ) as Promise<VisitRow[]>,
    ]);
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
  baseline_visit: string;
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
