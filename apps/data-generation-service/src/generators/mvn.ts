import type { RandomStream, SourceRow, TrialDesign, ValueModel, VitalValues } from './dataset.js';
import { choleskyWithRidge, covarianceMatrix, meanVector, multiplyLower, type Matrix, type Vector } from './matrix.js';
import { sortedSourceRows, VITAL_VARIABLES, vitalVector } from './source-rows.js';

/** Below this many rows a (visit, arm) block is not fitted: it takes the design's means and SDs. */
export const MVN_MINIMUM_BLOCK_ROWS = 8;
/** The design's means and SDs, in the order of VITAL_VARIABLES: systolic, diastolic, heart rate, temperature. */
export const MVN_DEFAULT_MEANS: readonly number[] = [130, 80, 75, 36.8];
export const MVN_DEFAULT_SDS: readonly number[] = [10, 8, 8, 0.3];

/** One (visit, arm) block of the fit. */
export interface MvnBlock {
  visit: string;
  arm: string;
  /** Source rows of this visit and arm. */
  n: number;
  /** True when the block has fewer than MVN_MINIMUM_BLOCK_ROWS rows and takes the design's means and SDs (no correlation). */
  fallback: boolean;
  /** In the order of `variables`. */
  mean: Vector;
  /** Sample covariance (divisor n − 1), as fitted. */
  covariance: Matrix;
  /** Added to the covariance's diagonal to sample from it when it is not positive definite (collinear data); 0 otherwise. */
  ridge: number;
}

/** A multivariate normal per (design visit × design arm), in the design's order: plain JSON, for a dataset's manifest. */
export interface MvnFit {
  variables: typeof VITAL_VARIABLES;
  minimumBlockRows: number;
  blocks: MvnBlock[];
}

/**
 * Fits every (visit, arm) of the design to the source rows of that visit and arm; rows of other
 * visits or arms are not used. The result does not depend on the rows' order.
 */
export function fitMvn(rows: SourceRow[], design: TrialDesign): MvnFit {
  const byBlock = new Map<string, Vector[]>();
  for (const row of sortedSourceRows(rows)) {
    const key = blockKey(row.visit, row.arm);
    const vectors = byBlock.get(key);
    if (vectors) vectors.push(vitalVector(row));
    else byBlock.set(key, [vitalVector(row)]);
  }
  const blocks = design.visits.flatMap(({ visitName }) =>
    design.arms.map(({ armCode }) => fitBlock(visitName, armCode, byBlock.get(blockKey(visitName, armCode)) ?? [])),
  );
  return { variables: VITAL_VARIABLES, minimumBlockRows: MVN_MINIMUM_BLOCK_ROWS, blocks };
}

/**
 * Samples each requested visit independently from its (visit, arm) block: mean + L·z, with z four
 * standard normals drawn in variable order, visit after visit in the order asked.
 */
export function mvnModel(fit: MvnFit): ValueModel {
  const samplers = new Map<string, { mean: Vector; lower: Matrix }>();
  for (const block of fit.blocks) {
    samplers.set(blockKey(block.visit, block.arm), { mean: block.mean, lower: choleskyWithRidge(block.covariance).lower });
  }
  return {
    valuesFor(arm: string, visits: string[], random: RandomStream): Map<string, VitalValues> {
      const values = new Map<string, VitalValues>();
      for (const visit of visits) {
        const sampler = samplers.get(blockKey(visit, arm));
        if (!sampler) throw new RangeError(`the fitted model has no block for visit "${visit}" in arm "${arm}"`);
        const z = VITAL_VARIABLES.map(() => random.normal());
        const deviation = multiplyLower(sampler.lower, z);
        const [systolic, diastolic, heartRate, temperature] = sampler.mean.map((mean, i) => mean + deviation[i]);
        values.set(visit, { systolic, diastolic, heartRate, temperature });
      }
      return values;
    },
  };
}

function fitBlock(visit: string, arm: string, vectors: Vector[]): MvnBlock {
  const dimension = VITAL_VARIABLES.length;
  if (vectors.length < MVN_MINIMUM_BLOCK_ROWS) {
    const covariance = MVN_DEFAULT_SDS.map((sd, i) => MVN_DEFAULT_SDS.map((_, j) => (i === j ? sd * sd : 0)));
    return { visit, arm, n: vectors.length, fallback: true, mean: [...MVN_DEFAULT_MEANS], covariance, ridge: 0 };
  }
  const covariance = covarianceMatrix(vectors, dimension);
  return { visit, arm, n: vectors.length, fallback: false, mean: meanVector(vectors, dimension), covariance, ridge: choleskyWithRidge(covariance).ridge };
}

/** A separator that cannot appear in a visit name or arm code typed by a person. */
function blockKey(visit: string, arm: string): string {
  return `${visit}\u0000${arm}`;
}
