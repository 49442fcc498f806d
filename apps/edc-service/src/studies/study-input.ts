import { BadRequestException } from '@nestjs/common';
import type { ApiErrorDetail } from '../../../../libs/platform/src/index.js';
import type { StudyArmDto, StudyVisitDto } from './dto/study-parts.dto.js';
import type { StudyArm, StudyVisit } from './study-design.js';

// What a request says about a study, in the design's terms, and how it is refused or audited.

/** A 400 naming each field and its problem, the first one in the message. */
export function refuse(problems: ApiErrorDetail[], what: string): void {
  if (problems.length === 0) return;
  const first = problems[0];
  throw new BadRequestException({ message: `${what}: ${first.field} ${first.problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more, listed in details)` : ''}`, details: problems.slice(0, 50) });
}

/** Arms in list order (display order from 1); the ratio defaults to 1. */
export const armsFrom = (arms: readonly StudyArmDto[]): StudyArm[] =>
  arms.map((arm, index) => ({ armCode: arm.arm_code, description: arm.description ?? null, allocationRatio: arm.allocation_ratio ?? 1, displayOrder: index + 1 }));

/** Visits in list order (display order from 1); windows default to 0 days, required to true. */
export const visitsFrom = (visits: readonly StudyVisitDto[]): StudyVisit[] =>
  visits.map((visit, index) => ({
    visitName: visit.visit_name,
    displayOrder: index + 1,
    plannedDay: visit.planned_day,
    windowBefore: visit.window_before ?? 0,
    windowAfter: visit.window_after ?? 0,
    required: visit.required ?? true,
  }));

/** An arm and a visit as the audit trail shows them (the request's names). */
export const armForAudit = (arm: StudyArm) => ({ arm_code: arm.armCode, description: arm.description, allocation_ratio: arm.allocationRatio });
export const visitForAudit = (visit: StudyVisit) => ({
  visit_name: visit.visitName,
  planned_day: visit.plannedDay,
  window_before: visit.windowBefore,
  window_after: visit.windowAfter,
  required: visit.required,
});
