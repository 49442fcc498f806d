import { armsMissingFromSource } from '../generators/bootstrap.js';
import { completedDesign, defaultDesign } from '../generators/default-design.js';
import { fitMvn } from '../generators/mvn.js';
import { GenerationParameterError, withDefaults } from '../generators/parameters.js';
import type { Recipe } from '../generators/recipe.js';
import type { GenerateOptions } from './generate-arguments.js';
import { readSourceFile } from './source-file.js';
import { UsageError } from './usage-error.js';

/** Without a source, mvn samples the design's means and SDs (as it does for a study with no stored vitals). */
export const NO_SOURCE_DESCRIPTION = "no source: the design's means and SDs";

/** The flag that sets each API parameter, for messages about a parameter. */
const FLAG_OF_PARAMETER: Record<string, string> = {
  protocol_id: '--protocol',
  n_per_arm: '--per-arm',
  n_total: '--subjects',
  sites: '--sites',
  seed: '--seed',
  reference_date: '--reference-date',
  enrolment_days: '--enrolment-days',
  first_subject_number: '--first-subject-number',
  missing_rate: '--missing-rate',
  dropout_rate: '--dropout-rate',
  errors: '--error-rate',
  ae_rates: '--ae-rate',
  serious_rate: '--serious-rate',
  target_effect: '--target-effect',
  effect_visit: '--effect-visit',
  jitter: '--jitter',
};

/**
 * What the API's GenerateService does with a request, without a database: the design is the
 * EDC's default study under the protocol asked for, the parameters are filled and checked by the
 * same `withDefaults`, and the source is a file instead of a stored study.
 */
export async function recipeFromOptions(options: GenerateOptions): Promise<Recipe> {
  const { method } = options;
  const design = defaultDesign(options.parameters.protocol_id);
  const parameters = checkedParameters(options);
  if (method !== 'mvn' && method !== 'bootstrap') return { method, parameters, design };

  const source = options.source === null ? { rows: [], description: NO_SOURCE_DESCRIPTION } : await readSourceFile(options.source);
  if (method === 'mvn') return { method, parameters, design, source: { fit: fitMvn(source.rows, design), description: source.description } };
  const missing = armsMissingFromSource(source.rows, completedDesign(design).arms.map((arm) => arm.armCode));
  if (missing.length > 0) {
    throw new UsageError(`--source: bootstrap resamples subjects of each arm, but ${options.source} has none in ${missing.map((arm) => `"${arm}"`).join(', ')}`);
  }
  return { method, parameters, design, source: { rows: source.rows, description: source.description } };
}

function checkedParameters(options: GenerateOptions): Recipe['parameters'] {
  try {
    return withDefaults(options.method, options.parameters, defaultDesign(options.parameters.protocol_id));
  } catch (error) {
    if (!(error instanceof GenerationParameterError)) throw error;
    const flag = FLAG_OF_PARAMETER[error.field.split('.')[0]] ?? error.field;
    throw new UsageError(`${flag}: ${error.message}`);
  }
}
