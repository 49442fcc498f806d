import type { SubjectStatus } from '../patient.entity.js';

/** The statuses a request may ask for: `randomized` is only given by randomizing. */
export const REQUESTED_STATUSES = ['enrolled', 'completed', 'withdrawn', 'screen_failed'] as const;
export type RequestedStatus = (typeof REQUESTED_STATUSES)[number];

/** Statuses whose change must say why. */
export const STATUSES_NEEDING_REASON: readonly SubjectStatus[] = ['withdrawn', 'screen_failed'];

const FLOW: Record<SubjectStatus, readonly SubjectStatus[]> = {
  screened: ['enrolled', 'screen_failed'],
  enrolled: ['randomized', 'withdrawn'],
  randomized: ['completed', 'withdrawn'],
  completed: [],
  withdrawn: [],
  screen_failed: [],
};

/** What a subject stored by store-vitals is: enrolled, with the arm its first record gave. */
export interface SubjectState {
  status: SubjectStatus;
  /** An arm that did not come from the platform's randomization (store-vitals): the subject is treated, so it may complete. */
  armAssignedAtCapture: boolean;
}

/** The statuses a subject may move to next. */
export function nextStatuses(subject: SubjectState): SubjectStatus[] {
  if (subject.status === 'enrolled' && subject.armAssignedAtCapture) return ['completed', 'withdrawn'];
  return [...FLOW[subject.status]];
}

/** Why a subject may not move to `status`, or null when it may. */
export function transitionProblem(subject: SubjectState, status: SubjectStatus): string | null {
  const next = nextStatuses(subject);
  if (next.includes(status)) return status === 'randomized' ? 'a subject is randomized with POST /edc/patients/:subjectId/randomize' : null;
  const allowed = next.length === 0 ? `${subject.status} is final` : `from ${subject.status} a subject may move to ${next.join(', ')}`;
  return `The subject is ${subject.status} and cannot become ${status}: ${allowed}`;
}

/** The reason recorded for a status change that need not state one. */
export const defaultStatusReason = (status: SubjectStatus): string => status.replace('_', ' ');
