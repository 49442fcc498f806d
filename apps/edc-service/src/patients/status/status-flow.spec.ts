import { nextStatuses, transitionProblem } from './status-flow.js';

const subject = (status: Parameters<typeof nextStatuses>[0]['status'], armAssignedAtCapture = false) => ({ status, armAssignedAtCapture });

describe('subject status flow', () => {
  it('moves screened → enrolled | screen_failed, enrolled → randomized | withdrawn, randomized → completed | withdrawn', () => {
    expect(nextStatuses(subject('screened'))).toEqual(['enrolled', 'screen_failed']);
    expect(nextStatuses(subject('enrolled'))).toEqual(['randomized', 'withdrawn']);
    expect(nextStatuses(subject('randomized'))).toEqual(['completed', 'withdrawn']);
    for (const final of ['completed', 'withdrawn', 'screen_failed'] as const) expect(nextStatuses(subject(final))).toEqual([]);
  });

  it('lets a subject whose arm came with its first record complete or withdraw (it is never randomized by the platform)', () => {
    expect(nextStatuses(subject('enrolled', true))).toEqual(['completed', 'withdrawn']);
    expect(transitionProblem(subject('enrolled', true), 'completed')).toBeNull();
  });

  it('names the current status and the allowed next ones when refusing', () => {
    expect(transitionProblem(subject('screened'), 'completed')).toBe(
      'The subject is screened and cannot become completed: from screened a subject may move to enrolled, screen_failed',
    );
    expect(transitionProblem(subject('withdrawn'), 'enrolled')).toBe('The subject is withdrawn and cannot become enrolled: withdrawn is final');
    expect(transitionProblem(subject('randomized'), 'withdrawn')).toBeNull();
  });

  it('sends randomization to its own route', () => {
    expect(transitionProblem(subject('enrolled'), 'randomized')).toMatch(/randomize/);
  });
});
