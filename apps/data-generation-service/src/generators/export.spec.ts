import { defaultDesign } from './default-design.js';
import type { Manifest } from './manifest.js';
import { withDefaults } from './parameters.js';
import { preview } from './preview.js';
import type { Recipe } from './recipe.js';
import { aeCsvHeader, aeCsvLines, csvHeader, csvLines, subjectCsvHeader, subjectCsvLines } from './serialize.js';
import { datasetPieces, type ExportFormat, type ExportTable } from './export.js';

const design = defaultDesign('DEFAULT');
const recipe: Recipe = {
  method: 'rules',
  design,
  parameters: withDefaults('rules', { n_per_arm: 150, seed: 9, errors: { duplicate_visit: 0.05, swapped_bp: 0.02 }, missing_rate: 0.1 }, design),
};

function written(format: ExportFormat, table: ExportTable = 'vitals'): { text: string; pieces: string[]; manifest: Manifest; observed: number } {
  let observed = 0;
  const generator = datasetPieces(recipe, format, table, () => {
    observed += 1;
  });
  const pieces: string[] = [];
  for (;;) {
    const next = generator.next();
    if (next.done) return { text: pieces.join(''), pieces, manifest: next.value, observed };
    pieces.push(next.value);
  }
}

describe('npm run generate: the dataset as text', () => {
  const whole = preview(recipe);

  it('writes JSON byte for byte as the API answers a preview, in pieces', () => {
    const json = written('json');
    expect(json.text).toBe(JSON.stringify(whole));
    expect(json.pieces.length).toBeGreaterThan(3);
    expect(Math.max(...json.pieces.map((piece) => piece.length))).toBeLessThan(80 * 1024);
  });

  it('writes each CSV table as the stored dataset\'s export does: its header, then its rows', () => {
    expect(written('csv', 'vitals').text).toBe(csvHeader() + csvLines(whole.records));
    expect(written('csv', 'adverse_events').text).toBe(aeCsvHeader() + aeCsvLines(whole.adverse_events));
    expect(written('csv', 'subjects').text).toBe(subjectCsvHeader() + subjectCsvLines(whole.subjects));
  });

  it('ends with the manifest the API gives, whatever the format', () => {
    expect(written('csv').manifest).toEqual(whole.manifest);
    expect(written('json').manifest).toEqual(whole.manifest);
  });

  it('tells the observer of every subject in every pass: once for CSV, three times for JSON', () => {
    expect(written('csv').observed).toBe(300);
    expect(written('json').observed).toBe(900);
  });
});
