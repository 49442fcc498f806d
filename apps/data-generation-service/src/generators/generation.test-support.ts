import type { GenerationMethod, SubjectBlock, TrialDesign } from './dataset.js';
import { defaultDesign } from './default-design.js';
import { type GenerationParametersInput, withDefaults } from './parameters.js';
import { blocksOf, type Recipe } from './recipe.js';

/** A recipe on the default study (or the given design) with the given parameters. */
export function recipeFor(input: GenerationParametersInput, design: TrialDesign = defaultDesign('RA001'), method: GenerationMethod = 'rules'): Recipe {
  return { method, parameters: withDefaults(method, input, design), design };
}

export function allBlocks(recipe: Recipe): SubjectBlock[] {
  return [...blocksOf(recipe)];
}
