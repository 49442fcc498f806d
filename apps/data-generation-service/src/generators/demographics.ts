import type { GeneratedDemographics, RandomStream } from './dataset.js';
import { truncatedNormal, weightedChoice } from './random.js';

/**
 * Demographics of adult trial participants. Race and ethnicity take the EDC's SDTM DM vocabularies
 * (mirrored from its enrolment demographics; a change there must be made here too), with shares
 * like a US trial's. Height by sex; weight from a body-mass index, so the two agree.
 */
export const RACE_SHARES: ReadonlyArray<readonly [string, number]> = [
  ['WHITE', 0.7],
  ['BLACK OR AFRICAN AMERICAN', 0.13],
  ['ASIAN', 0.07],
  ['AMERICAN INDIAN OR ALASKA NATIVE', 0.01],
  ['NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER', 0.005],
  ['MULTIPLE', 0.03],
  ['OTHER', 0.02],
  ['NOT REPORTED', 0.025],
  ['UNKNOWN', 0.01],
];

export const ETHNICITY_SHARES: ReadonlyArray<readonly [string, number]> = [
  ['HISPANIC OR LATINO', 0.17],
  ['NOT HISPANIC OR LATINO', 0.79],
  ['NOT REPORTED', 0.03],
  ['UNKNOWN', 0.01],
];

export const DEMOGRAPHIC_DISTRIBUTIONS = {
  age: { mean: 55, sd: 12, min: 18, max: 85 },
  femaleShare: 0.5,
  heightCm: { F: { mean: 162, sd: 6.5 }, M: { mean: 176, sd: 7 } },
  /** Heights beyond 3.5 SD are drawn again. */
  heightSdLimit: 3.5,
  bmi: { mean: 27, sd: 4.5, min: 17, max: 45 },
} as const;

const oneDecimal = (value: number): number => Math.round(value * 10) / 10;

export function demographicsFor(random: RandomStream): GeneratedDemographics {
  const { age, femaleShare, heightCm, heightSdLimit, bmi } = DEMOGRAPHIC_DISTRIBUTIONS;
  const sex = random.uniform() < femaleShare ? 'F' : 'M';
  const years = Math.round(truncatedNormal(random, age.mean, age.sd, age.min - 0.5, age.max + 0.49));
  const race = weightedChoice(random, RACE_SHARES);
  const ethnicity = weightedChoice(random, ETHNICITY_SHARES);
  const height = heightCm[sex];
  const heightValue = oneDecimal(
    truncatedNormal(random, height.mean, height.sd, height.mean - heightSdLimit * height.sd, height.mean + heightSdLimit * height.sd),
  );
  const bodyMassIndex = truncatedNormal(random, bmi.mean, bmi.sd, bmi.min, bmi.max);
  const weight = oneDecimal(bodyMassIndex * (heightValue / 100) ** 2);
  return { sex, age: years, race, ethnicity, height_cm: heightValue, weight_kg: weight };
}
