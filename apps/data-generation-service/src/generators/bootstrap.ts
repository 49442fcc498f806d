import type { RandomStream, SourceRow, ValueModel, VitalValues } from './dataset.js';
import { covarianceMatrix } from './matrix.js';
import { sortedSourceRows, VITAL_VARIABLES, vitalVector } from './source-rows.js';

/** The jitter's SD as a fraction of each variable's SD over the source, unless the caller says otherwise. */
export const DEFAULT_BOOTSTRAP_JITTER = 0.05;

/** Bootstrap asked for an arm the source has no subject in: the API answers 400 with this message. */
export class EmptySourceArmError extends Error {
  constructor(readonly arm: string) {
    super(`the source has no subjects in arm ${arm}`);
  }
}

/** One source subject's trajectory in one arm: its values per visit. */
type Trajectory = Map<string, number[]>;

/**
 * Resamples whole trajectories: per generated subject, one source subject of the same arm,
 * uniformly with replacement, its values at the visits asked (a visit it lacks stays absent), plus
 * normal noise of SD `jitter × SD` per variable, the SD taken over all source rows.
 * A subject seen in two arms (an arm switch in the source) gives one trajectory per arm; a visit
 * recorded twice contributes its first record in sorted order. Subjects are ordered by id, so the
 * same stream picks the same subjects whatever the source rows' order.
 */
export function bootstrapModel(rows: SourceRow[], jitter: number): ValueModel {
  if (!Number.isFinite(jitter) || jitter < 0) throw new RangeError(`the jitter must be a fraction of each variable's SD, 0 or more (got ${jitter})`);
  const sorted = sortedSourceRows(rows);
  const noiseSds = sourceSds(sorted).map((sd) => jitter * sd);
  const trajectoriesByArm = groupTrajectories(sorted);
  return {
    valuesFor(arm: string, visits: string[], random: RandomStream): Map<string, VitalValues> {
      const trajectories = trajectoriesByArm.get(arm);
      if (!trajectories) throw new EmptySourceArmError(arm);
      const trajectory = trajectories[random.integer(0, trajectories.length - 1)];
      const values = new Map<string, VitalValues>();
      for (const visit of visits) {
        const source = trajectory.get(visit);
        if (!source) continue;
        // Always one draw per variable, even where its SD is 0, so the stream's use depends on the visits only.
        const [systolic, diastolic, heartRate, temperature] = source.map((value, i) => value + noiseSds[i] * random.normal());
        values.set(visit, { systolic, diastolic, heartRate, temperature });
      }
      return values;
    },
  };
}

/** The arms (of those given) that have no subject in the source: bootstrap cannot generate them. */
export function armsMissingFromSource(rows: readonly SourceRow[], arms: readonly string[]): string[] {
  const present = new Set(rows.map((row) => row.arm));
  return arms.filter((arm) => !present.has(arm));
}

/** Each variable's sample SD over all rows; 0 where it cannot be measured (fewer than two rows). */
function sourceSds(sorted: SourceRow[]): number[] {
  const covariance = covarianceMatrix(sorted.map(vitalVector), VITAL_VARIABLES.length);
  return covariance.map((row, i) => (row[i] > 0 ? Math.sqrt(row[i]) : 0));
}

/** Per arm, its subjects' trajectories in subject order (the rows come sorted by subject). */
function groupTrajectories(sorted: SourceRow[]): Map<string, Trajectory[]> {
  const byArm = new Map<string, Map<string, Trajectory>>();
  for (const row of sorted) {
    let subjects = byArm.get(row.arm);
    if (!subjects) byArm.set(row.arm, (subjects = new Map()));
    let trajectory = subjects.get(row.subject);
    if (!trajectory) subjects.set(row.subject, (trajectory = new Map()));
    if (!trajectory.has(row.visit)) trajectory.set(row.visit, vitalVector(row));
  }
  return new Map([...byArm].map(([arm, subjects]) => [arm, [...subjects.values()]]));
}
