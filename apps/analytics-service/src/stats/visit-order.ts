import type { StudyDesign } from '../scope/study-design.reader.js';
import type { VisitPlan } from './stats.repository.js';

/** Orders visits as the schedule does, visits not in the schedule last (by name). */
export function visitComparator(design: StudyDesign): (a: string, b: string) => number {
  const order = new Map(design.visits.map((visit, index) => [visit.name, index]));
  return (a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b);
}

/** Orders arms as the study lists them, arms only found in the data last (by name). */
export function armComparator(design: StudyDesign): (a: string, b: string) => number {
  const order = new Map(design.arms.map((arm, index) => [arm.code, index]));
  return (a, b) => (order.get(a) ?? Number.MAX_SAFE_INTEGER) - (order.get(b) ?? Number.MAX_SAFE_INTEGER) || a.localeCompare(b);
}

/**
 * The baseline visit and the visits after it in the schedule (display order greater than the
 * baseline's). A baseline visit missing from the schedule has no visits after it.
 */
export function visitPlan(design: StudyDesign): VisitPlan {
  const baseline = design.visits.find((visit) => visit.name === design.baselineVisit);
  return {
    baselineVisit: design.baselineVisit,
    postBaselineVisits: baseline === undefined ? [] : design.visits.filter((visit) => visit.order > baseline.order).map((visit) => visit.name),
  };
}

/** Distinct values in the given order. */
export function distinctSorted(values: Iterable<string>, compare: (a: string, b: string) => number): string[] {
  return [...new Set(values)].sort(compare);
}
