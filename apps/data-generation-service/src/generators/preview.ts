import type { GeneratedAdverseEvent, GeneratedSubject, GeneratedVital } from './dataset.js';
import { type Manifest, ManifestBuilder } from './manifest.js';
import { blocksOf, type Recipe } from './recipe.js';

export interface Preview {
  records: GeneratedVital[];
  adverse_events: GeneratedAdverseEvent[];
  subjects: GeneratedSubject[];
  manifest: Manifest;
}

/** The whole dataset of a recipe in memory, with its manifest: for previews, which the API keeps small. */
export function preview(recipe: Recipe): Preview {
  const manifest = new ManifestBuilder(recipe);
  const result: Omit<Preview, 'manifest'> = { records: [], adverse_events: [], subjects: [] };
  for (const block of blocksOf(recipe)) {
    manifest.add(block);
    result.subjects.push(block.subject);
    result.records.push(...block.records);
    result.adverse_events.push(...block.adverseEvents);
  }
  return { ...result, manifest: manifest.finish() };
}
