import { bootstrapModel } from './bootstrap.js';
import type { GenerationMethod, SourceRow, SubjectBlock, TrialDesign, ValueModel } from './dataset.js';
import { completedDesign } from './default-design.js';
import { generateBlocks } from './generate.js';
import { type MvnFit, mvnModel } from './mvn.js';
import { DEFAULTS, type GenerationParameters } from './parameters.js';
import { rulesModel } from './rules.js';

/**
 * Everything needed to make a dataset again byte for byte, stored with it: the method, the
 * normalized parameters, the design as it was used, and for mvn the fitted model (for bootstrap
 * the source rows) read at the time. JSON-serializable.
 */
export interface Recipe {
  method: GenerationMethod;
  parameters: GenerationParameters;
  design: TrialDesign;
  /** `sites`: where stored source rows came from (none for supplied records): who may see the dataset depends on them. */
  source?: { fit?: MvnFit; rows?: SourceRow[]; description: string; sites?: string[] };
}

/** A recipe whose method needs a source it does not carry. */
export class IncompleteRecipeError extends Error {}

/** The dataset of a recipe, subject by subject (for `ae`: subjects and adverse events, no vitals records). */
export function blocksOf(recipe: Recipe): Generator<SubjectBlock> {
  const design = completedDesign(recipe.design);
  return generateBlocks({ method: recipe.method, parameters: recipe.parameters, design, values: valueModelOf(recipe, design) });
}

function valueModelOf(recipe: Recipe, design: TrialDesign): ValueModel {
  switch (recipe.method) {
    case 'rules':
      return rulesModel(design, {
        target_effect: recipe.parameters.target_effect ?? DEFAULTS.target_effect,
        effect_visit: recipe.parameters.effect_visit ?? design.visits[design.visits.length - 1].visitName,
      });
    case 'mvn':
      if (!recipe.source?.fit) throw new IncompleteRecipeError('an mvn recipe carries its fitted model (source.fit)');
      return mvnModel(recipe.source.fit);
    case 'bootstrap':
      if (!recipe.source?.rows) throw new IncompleteRecipeError('a bootstrap recipe carries its source rows (source.rows)');
      return bootstrapModel(recipe.source.rows, recipe.parameters.jitter ?? DEFAULTS.jitter);
    case 'ae':
      return { valuesFor: () => new Map() };
  }
}
