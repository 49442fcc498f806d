import type pg from 'pg';
import type { GeneratedVital } from '../../apps/data-generation-service/src/generators/dataset.js';
import { ManifestBuilder } from '../../apps/data-generation-service/src/generators/manifest.js';
import { blocksOf, type Recipe } from '../../apps/data-generation-service/src/generators/recipe.js';
import { copyLinesOf } from '../../apps/data-generation-service/src/storage/edc-bulk-load.js';

/**
 * The dataset made again in the bench's own process from the recipe the platform stored with it
 * (generation is deterministic: the same rows the job stored), timed piece by piece. The pieces
 * are what the job does per subject besides the database's work: generating the block, feeding
 * the manifest (content hash), and writing its COPY text.
 */
export interface RegeneratedDataset {
  /** The storable vital records, in generation order (all of them, for the COPY baseline). */
  records: GeneratedVital[];
  subjects: number;
  timing: { generateSeconds: number; manifestSeconds: number; copyTextSeconds: number; totalSeconds: number; recordsPerSecond: number };
  /** Characters of COPY text the job sends for these blocks. */
  copyTextCharacters: number;
}

export async function readRecipe(db: pg.Client, datasetId: string): Promise<Recipe> {
  const { rows } = await db.query<{ recipe: Recipe }>('SELECT recipe FROM generation_datasets WHERE id = $1', [datasetId]);
  if (rows.length === 0) throw new Error(`dataset ${datasetId} has no row in generation_datasets`);
  // Kept as json (key order preserved): pg parses it as the platform wrote it.
  return rows[0].recipe;
}

export function regenerate(recipe: Recipe): RegeneratedDataset {
  const records: GeneratedVital[] = [];
  const manifest = new ManifestBuilder(recipe);
  let subjects = 0;
  let copyTextCharacters = 0;
  let generateMs = 0;
  let manifestMs = 0;
  let copyTextMs = 0;
  const blocks = blocksOf(recipe);
  for (;;) {
    const t0 = performance.now();
    const next = blocks.next();
    const t1 = performance.now();
    generateMs += t1 - t0;
    if (next.done) break;
    const block = next.value;
    manifest.add(block);
    const t2 = performance.now();
    copyTextCharacters += copyLinesOf(block).length;
    const t3 = performance.now();
    manifestMs += t2 - t1;
    copyTextMs += t3 - t2;
    subjects += 1;
    const unstorable = new Set(block.unstorable);
    block.records.forEach((record, index) => {
      if (!unstorable.has(index)) records.push(record);
    });
  }
  const t4 = performance.now();
  manifest.finish();
  manifestMs += performance.now() - t4;
  const totalSeconds = (generateMs + manifestMs + copyTextMs) / 1000;
  return {
    records,
    subjects,
    copyTextCharacters,
    timing: {
      generateSeconds: generateMs / 1000,
      manifestSeconds: manifestMs / 1000,
      copyTextSeconds: copyTextMs / 1000,
      totalSeconds,
      recordsPerSecond: records.length / totalSeconds,
    },
  };
}
