import { armProbabilities, defaultProbabilities, responseOf, ResponseRatesProblem } from './response-model.js';

describe('the response model of an arm', () => {
  it('takes CR and PR as given, and splits the non-responders evenly between SD and PD unless SD is given', () => {
    const p = armProbabilities({ cr: 0.1, pr: 0.3 }, 'x');
    expect([p.cr, p.pr]).toEqual([0.1, 0.3]);
    expect(p.sd).toBeCloseTo(0.3, 15);
    expect(p.pd).toBeCloseTo(0.3, 15);
    const withSd = armProbabilities({ cr: 0.1, pr: 0.2, sd: 0.7 }, 'x');
    expect(withSd.pd).toBe(0);
  });

  it('makes a fifth of the responses an ORR gives complete', () => {
    const p = armProbabilities({ orr: 0.5 }, 'x');
    expect(p.cr).toBeCloseTo(0.1, 15);
    expect(p.pr).toBeCloseTo(0.4, 15);
    expect(p.sd).toBeCloseTo(0.25, 15);
  });

  it('defaults to ORR 0.15 for the reference arm and 0.35 for the others', () => {
    expect(defaultProbabilities(true).cr + defaultProbabilities(true).pr).toBeCloseTo(0.15, 15);
    expect(defaultProbabilities(false).cr + defaultProbabilities(false).pr).toBeCloseTo(0.35, 15);
  });

  it.each([
    [{ orr: 0.3, cr: 0.1 }, /either orr, or both cr and pr/],
    [{ cr: 0.1 }, /either orr, or both cr and pr/],
    [{ sd: 0.5 }, /either orr, or both cr and pr/],
    [{ cr: 0.5, pr: 0.4, sd: 0.2 }, /sum to at most 1, they sum to 1\.1/],
  ])('refuses %j, saying why', (input, message) => {
    expect(() => armProbabilities(input, 'response_rates[0]')).toThrow(ResponseRatesProblem);
    expect(() => armProbabilities(input, 'response_rates[0]')).toThrow(message);
  });

  it('maps a uniform draw to CR, PR, SD and PD by the cumulative probabilities', () => {
    const p = { cr: 0.1, pr: 0.2, sd: 0.3, pd: 0.4 };
    expect([0, 0.0999, 0.1, 0.2999, 0.3001, 0.5999, 0.6001, 0.9999].map((u) => responseOf(u, p))).toEqual(['CR', 'CR', 'PR', 'PR', 'SD', 'SD', 'PD', 'PD']);
  });
});
