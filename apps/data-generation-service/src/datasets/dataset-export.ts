import type { SubjectBlock } from '../generators/dataset.js';
import { ManifestBuilder } from '../generators/manifest.js';
import { blocksOf, type Recipe } from '../generators/recipe.js';
import { aeCsvHeader, aeCsvLines, csvHeader, csvLines, subjectCsvHeader, subjectCsvLines } from '../generators/serialize.js';
import type { ExportTable } from './dto/export-dataset.query.js';

/**
 * A dataset's exports, made again from its recipe (generation is deterministic) and produced piece
 * by piece, so that a dataset of any size is exported in bounded memory. Exports hold every
 * generated record, the ones capture would refuse (and that were never stored) included.
 */

/** Pieces of about this many characters: few enough writes, small enough memory. */
const PIECE_CHARACTERS = 64 * 1024;

const CSV_TABLES: Record<ExportTable, { header: () => string; lines: (block: SubjectBlock) => string }> = {
  vitals: { header: csvHeader, lines: (block) => csvLines(block.records) },
  adverse_events: { header: aeCsvHeader, lines: (block) => aeCsvLines(block.adverseEvents) },
  subjects: { header: subjectCsvHeader, lines: (block) => subjectCsvLines([block.subject]) },
};

/** One table as CSV, the same bytes as the preview's and the command line's CSV of the same recipe. */
export function* csvExport(recipe: Recipe, table: ExportTable): Generator<string> {
  const { header, lines } = CSV_TABLES[table];
  let piece = header();
  for (const block of blocksOf(recipe)) {
    piece += lines(block);
    if (piece.length >= PIECE_CHARACTERS) {
      yield piece;
      piece = '';
    }
  }
  if (piece.length > 0) yield piece;
}

/**
 * `{"records":[...],"adverse_events":[...],"subjects":[...],"manifest":{...}}`: byte for byte
 * `JSON.stringify(preview(recipe))`, written in three passes over the generator (one per array)
 * instead of holding the dataset.
 */
export function* jsonExport(recipe: Recipe): Generator<string> {
  const manifest = new ManifestBuilder(recipe);
  yield* jsonArray('{"records":', recipe, (block) => {
    manifest.add(block);
    return block.records;
  });
  yield* jsonArray(',"adverse_events":', recipe, (block) => block.adverseEvents);
  yield* jsonArray(',"subjects":', recipe, (block) => [block.subject]);
  yield `,"manifest":${JSON.stringify(manifest.finish())}}`;
}

function* jsonArray(opening: string, recipe: Recipe, itemsOf: (block: SubjectBlock) => readonly unknown[]): Generator<string> {
  let piece = `${opening}[`;
  let first = true;
  for (const block of blocksOf(recipe)) {
    for (const item of itemsOf(block)) {
      piece += first ? JSON.stringify(item) : `,${JSON.stringify(item)}`;
      first = false;
    }
    if (piece.length >= PIECE_CHARACTERS) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}]`;
}

/** The file name a download is saved under, e.g. `dataset-9f2c4e1a-vitals.csv`. */
export function exportFileName(datasetId: string, format: 'csv' | 'json', table: ExportTable): string {
  const short = datasetId.slice(0, 8);
  return format === 'json' ? `dataset-${short}.json` : `dataset-${short}-${table}.csv`;
}
