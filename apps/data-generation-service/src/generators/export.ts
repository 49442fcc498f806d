import type { SubjectBlock } from './dataset.js';
import { type Manifest, ManifestBuilder } from './manifest.js';
import { blocksOf, type Recipe } from './recipe.js';
import { aeCsvHeader, aeCsvLines, csvHeader, csvLines, subjectCsvHeader, subjectCsvLines } from './serialize.js';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** CSV holds one table; JSON holds them all. */
export const EXPORT_TABLES = ['vitals', 'adverse_events', 'subjects'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

/**
 * A dataset as text pieces of about 64 KB, made subject by subject from its recipe so that any
 * size is written in bounded memory; the generator's return value is the manifest. One way for a
 * stored dataset's export and the generate command: CSV from serialize.ts, JSON byte for byte
 * `JSON.stringify(preview(recipe))`, the body a preview is answered with. Exports hold every
 * generated record, the ones capture would refuse (and that were never stored) included.
 */

const PIECE_CHARACTERS = 64 * 1024;

/** Told of every block generated, in every pass (JSON makes one pass per array). */
export type BlockObserver = (block: SubjectBlock) => void;

const CSV_TABLES: Record<ExportTable, { header: () => string; lines: (block: SubjectBlock) => string }> = {
  vitals: { header: csvHeader, lines: (block) => csvLines(block.records) },
  adverse_events: { header: aeCsvHeader, lines: (block) => aeCsvLines(block.adverseEvents) },
  subjects: { header: subjectCsvHeader, lines: (block) => subjectCsvLines([block.subject]) },
};

/** How many times the recipe is generated for this output (for a progress bar's total). */
export const passesFor = (format: ExportFormat): number => (format === 'json' ? 3 : 1);

export function datasetPieces(recipe: Recipe, format: ExportFormat, table: ExportTable, observe: BlockObserver = () => undefined): Generator<string, Manifest> {
  return format === 'json' ? jsonPieces(recipe, observe) : csvPieces(recipe, table, observe);
}

function* csvPieces(recipe: Recipe, table: ExportTable, observe: BlockObserver): Generator<string, Manifest> {
  const manifest = new ManifestBuilder(recipe);
  const { header, lines } = CSV_TABLES[table];
  let piece = header();
  for (const block of blocksOf(recipe)) {
    manifest.add(block);
    observe(block);
    piece += lines(block);
    if (piece.length >= PIECE_CHARACTERS) {
      yield piece;
      piece = '';
    }
  }
  if (piece.length > 0) yield piece;
  return manifest.finish();
}

/** `{"records":[...],"adverse_events":[...],"subjects":[...],"manifest":{...}}`, one pass over the recipe per array. */
function* jsonPieces(recipe: Recipe, observe: BlockObserver): Generator<string, Manifest> {
  const builder = new ManifestBuilder(recipe);
  yield* jsonArray('{"records":', recipe, (block) => {
    builder.add(block);
    observe(block);
    return block.records;
  });
  yield* jsonArray(',"adverse_events":', recipe, (block) => {
    observe(block);
    return block.adverseEvents;
  });
  yield* jsonArray(',"subjects":', recipe, (block) => {
    observe(block);
    return [block.subject];
  });
  const manifest = builder.finish();
  yield `,"manifest":${JSON.stringify(manifest)}}`;
  return manifest;
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
