import type { TrialDesign } from './dataset.js';

/** Used when a study has no visits of its own: the default study's schedule. */
export const DEFAULT_VISITS: TrialDesign['visits'] = [
  { visitName: 'Screening', plannedDay: -1, windowBefore: 13, windowAfter: 0, required: true },
  { visitName: 'Day 1', plannedDay: 1, windowBefore: 0, windowAfter: 0, required: true },
  { visitName: 'Week 4', plannedDay: 28, windowBefore: 3, windowAfter: 3, required: true },
  { visitName: 'Week 12', plannedDay: 84, windowBefore: 7, windowAfter: 7, required: true },
];

/** Used when a study has no arms of its own. */
export const DEFAULT_ARMS: TrialDesign['arms'] = [
  { armCode: 'Active', allocationRatio: 1 },
  { armCode: 'Placebo', allocationRatio: 1 },
];

export const DEFAULT_SUBJECT_ID_FORMAT = 'RA001-{seq:3}';
export const DEFAULT_BASELINE_VISIT = 'Day 1';

/**
 * The EDC's default study as generation sees it. These values mirror the EDC's
 * `defaultStudyDesign` (its subject id format, arms, schedule and baseline visit): a service does
 * not import another's code, so a change there must be made here too.
 */
export function defaultDesign(protocolId: string): TrialDesign {
  return {
    protocolId,
    subjectIdFormat: DEFAULT_SUBJECT_ID_FORMAT,
    baselineVisit: DEFAULT_BASELINE_VISIT,
    arms: DEFAULT_ARMS.map((arm) => ({ ...arm })),
    visits: DEFAULT_VISITS.map((visit) => ({ ...visit })),
    sites: [],
  };
}

/**
 * The design generation works with: a study without visits takes the default schedule (and its
 * baseline visit when it names none of its own), one without arms takes Active and Placebo 1:1.
 */
export function completedDesign(design: TrialDesign): TrialDesign {
  const visits = design.visits.length > 0 ? design.visits : DEFAULT_VISITS.map((visit) => ({ ...visit }));
  const baselineVisit =
    design.visits.length > 0 ? design.baselineVisit : (design.baselineVisit ?? DEFAULT_BASELINE_VISIT);
  return {
    ...design,
    baselineVisit: visits.some((visit) => visit.visitName === baselineVisit) ? baselineVisit : null,
    arms: design.arms.length > 0 ? design.arms : DEFAULT_ARMS.map((arm) => ({ ...arm })),
    visits,
  };
}
