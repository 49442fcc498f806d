/** A study as the EDC runs it: who may take part where, in which arms, at which visits. */
export const STUDY_STATUSES = ['set_up', 'enrolling', 'closed'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export interface StudyVisit {
  visitName: string;
  displayOrder: number;
  /** Study day the visit is planned for (day 1 is the baseline day; there is no day 0). */
  plannedDay: number;
  /** Days allowed before and after the planned day. */
  windowBefore: number;
  windowAfter: number;
  required: boolean;
}

export interface StudyArm {
  armCode: string;
  description: string | null;
  allocationRatio: number;
  displayOrder: number;
}

export interface StudySite {
  siteId: string;
  name: string | null;
  active: boolean;
}

export interface StudyDesign {
  protocolId: string;
  title: string;
  status: StudyStatus;
  baselineVisit: string | null;
  /** How enrolment assigns subject numbers, e.g. `RA001-{seq:3}` or `{site}-{seq:4}`; null: the site gives them. */
  subjectIdFormat: string | null;
  allowNewSites: boolean;
  allowUnscheduledVisits: boolean;
  allowUnlistedArms: boolean;
  blockSizes: number[];
  stratificationFactors: string[];
  sites: StudySite[];
  arms: StudyArm[];
  visits: StudyVisit[];
}

/**
 * The design's study: what `DEFAULT_PROTOCOL_ID` names from the first start. It takes any site
 * and unscheduled visits and arms, so the design's requests keep working as they were.
 */
export function defaultStudyDesign(protocolId: string): StudyDesign {
  return {
    ...openStudyDesign(protocolId, 'Default study'),
    baselineVisit: 'Day 1',
    subjectIdFormat: 'RA001-{seq:3}',
    arms: [
      { armCode: 'Active', description: 'Active treatment', allocationRatio: 1, displayOrder: 1 },
      { armCode: 'Placebo', description: 'Placebo', allocationRatio: 1, displayOrder: 2 },
    ],
    visits: [
      { visitName: 'Screening', displayOrder: 1, plannedDay: -1, windowBefore: 13, windowAfter: 0, required: true },
      { visitName: 'Day 1', displayOrder: 2, plannedDay: 1, windowBefore: 0, windowAfter: 0, required: true },
      { visitName: 'Week 4', displayOrder: 3, plannedDay: 28, windowBefore: 3, windowAfter: 3, required: true },
      { visitName: 'Week 12', displayOrder: 4, plannedDay: 84, windowBefore: 7, windowAfter: 7, required: true },
    ],
  };
}

/**
 * A study first named by a captured record (the design had no study set-up): open to any site,
 * visit and arm, enrolling. A data manager tightens it, or sets the study up before its first record.
 */
export function openStudyDesign(protocolId: string, title = `Study ${protocolId}`): StudyDesign {
  return {
    protocolId,
    title,
    status: 'enrolling',
    baselineVisit: null,
    subjectIdFormat: null,
    allowNewSites: true,
    allowUnscheduledVisits: true,
    allowUnlistedArms: true,
    // Two sizes, varied at random: with one known size the last assignments of each block could be guessed.
    blockSizes: [4, 6],
    // Randomization always stratifies by site; the study says so as a new one does.
    stratificationFactors: ['site'],
    sites: [],
    arms: [],
    visits: [],
  };
}
