import { DEMOGRAPHIC_DISTRIBUTIONS, demographicsFor, ETHNICITY_SHARES, RACE_SHARES } from './demographics.js';
import { StreamSource } from './random.js';
import { mean, seOfMean, seOfProportion, Z } from './stats.test-support.js';

/** The EDC's SDTM vocabularies (its enrolment demographics), written out so a drift in either list fails. */
const EDC_RACES = ['AMERICAN INDIAN OR ALASKA NATIVE', 'ASIAN', 'BLACK OR AFRICAN AMERICAN', 'NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER', 'WHITE', 'MULTIPLE', 'OTHER', 'NOT REPORTED', 'UNKNOWN'];
const EDC_ETHNICITIES = ['HISPANIC OR LATINO', 'NOT HISPANIC OR LATINO', 'NOT REPORTED', 'UNKNOWN'];

const random = new StreamSource(21).nextSubject().demographics;
const people = Array.from({ length: 20_000 }, () => demographicsFor(random));

describe('demographics', () => {
  it('give adults 18 to 85, around 55 years', () => {
    const ages = people.map((person) => person.age);
    expect(ages.every((age) => Number.isInteger(age) && age >= 18 && age <= 85)).toBe(true);
    expect(Math.abs(mean(ages) - 55)).toBeLessThan(Z * seOfMean(12, ages.length) + 0.2 /* truncation */);
  });

  it('give women and men about half each', () => {
    const women = people.filter((person) => person.sex === 'F').length / people.length;
    expect(Math.abs(women - 0.5)).toBeLessThan(Z * seOfProportion(0.5, people.length));
  });

  it("take race and ethnicity from the EDC's vocabularies with their shares", () => {
    expect(RACE_SHARES.map(([race]) => race).sort()).toEqual([...EDC_RACES].sort());
    expect(ETHNICITY_SHARES.map(([ethnicity]) => ethnicity).sort()).toEqual([...EDC_ETHNICITIES].sort());
    for (const [race, share] of RACE_SHARES) {
      const observed = people.filter((person) => person.race === race).length / people.length;
      expect(Math.abs(observed - share)).toBeLessThan(Z * seOfProportion(share, people.length) + 1e-9);
    }
    expect(people.every((person) => EDC_ETHNICITIES.includes(person.ethnicity))).toBe(true);
  });

  it('give heights by sex and weights from a plausible body-mass index, to one decimal', () => {
    for (const sex of ['F', 'M'] as const) {
      const heights = people.filter((person) => person.sex === sex).map((person) => person.height_cm);
      const expected = DEMOGRAPHIC_DISTRIBUTIONS.heightCm[sex];
      expect(Math.abs(mean(heights) - expected.mean)).toBeLessThan(Z * seOfMean(expected.sd, heights.length));
    }
    const oneDecimal = (value: number): boolean => Math.abs(Math.round(value * 10) - value * 10) < 1e-6;
    const implausible = people.filter((person) => {
      const bmi = person.weight_kg / (person.height_cm / 100) ** 2;
      return bmi <= 16.9 || bmi >= 45.1 || !oneDecimal(person.weight_kg) || !oneDecimal(person.height_cm);
    });
    expect(implausible).toEqual([]);
  });
});
