import type { AuthenticatedUser } from '../../../../libs/auth/src/index.js';
import { openStudyDesign } from './study-design.js';
import { placementProblems } from './study-rules.js';

const study = {
  ...openStudyDesign('P1'),
  allowNewSites: false,
  sites: ['S01', 'S02', 'S03'].map((siteId) => ({ siteId, name: null, active: true })),
};
const record = { label: 'records[0]', protocolId: 'P1', siteId: 'S09', visitName: 'Day 1' };
const user = (siteIds: string[]): AuthenticatedUser => ({ id: 'u', username: 'u', roles: ['investigator'], siteIds, sessionId: 's' });

describe('placementProblems: the allowed sites named in a refusal', () => {
  it('names every active site when no user is given, or the user sees all sites', () => {
    expect(placementProblems(study, record)[0].problems[0]).toContain('allowed: S01, S02, S03');
    expect(placementProblems(study, record, { user: user([]) })[0].problems[0]).toContain('allowed: S01, S02, S03');
  });

  it("names only a site-limited user's own sites", () => {
    const [problem] = placementProblems(study, record, { user: user(['S02', 'S09']) })[0].problems;
    expect(problem).toContain('allowed: S02)');
    expect(problem).not.toMatch(/S01|S03/);
    expect(placementProblems(study, record, { user: user(['S07']) })[0].problems[0]).toContain('allowed: none set up yet');
  });
});
