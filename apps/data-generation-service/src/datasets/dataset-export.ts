import { datasetPieces, type ExportTable } from '../generators/export.js';
import type { Manifest } from '../generators/manifest.js';
import type { Recipe } from '../generators/recipe.js';

/** One table as CSV: the same bytes as the command line's CSV of the same recipe. */
export function csvExport(recipe: Recipe, table: ExportTable): Generator<string, Manifest> {
  return datasetPieces(recipe, 'csv', table);
}

/** The preview's shape, `JSON.stringify(preview(recipe))` byte for byte, in three passes over the generator. */
export function jsonExport(recipe: Recipe): Generator<string, Manifest> {
  return datasetPieces(recipe, 'json', 'vitals');
}

/** The file name a download is saved under, e.g. `dataset-9f2c4e1a-vitals.csv`. */
export function exportFileName(datasetId: string, format: 'csv' | 'json', table: ExportTable): string {
  const short = datasetId.slice(0, 8);
  return format === 'json' ? `dataset-${short}.json` : `dataset-${short}-${table}.csv`;
}
