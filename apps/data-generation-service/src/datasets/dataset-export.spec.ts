import { defaultDesign } from '../generators/default-design.js';
import { withDefaults } from '../generators/parameters.js';
import { preview } from '../generators/preview.js';
import type { Recipe } from '../generators/recipe.js';
import { aeCsvHeader, aeCsvLines, csvHeader, csvLines, subjectCsvHeader, subjectCsvLines } from '../generators/serialize.js';
import { csvExport, exportFileName, jsonExport } from './dataset-export.js';

function recipe(subjects: number): Recipe {
  const design = defaultDesign('DEFAULT');
  const parameters = withDefaults('rules', { n_total: subjects, seed: 7, missing_rate: 0.1, errors: { swapped_bp: 0.05, typo: 0.05 } }, design);
  return { method: 'rules', parameters, design };
}

describe('dataset exports (made again from the recipe, streamed)', () => {
  it('JSON is byte for byte the preview of the same recipe', () => {
    const small = recipe(40);
    expect([...jsonExport(small)].join('')).toBe(JSON.stringify(preview(small)));
  });

  it('CSV of each table is the preview\'s rows under the table\'s header, the records capture refuses included', () => {
    const small = recipe(40);
    const whole = preview(small);
    expect(whole.manifest.counts.not_storable_records).toBeGreaterThan(0);
    expect([...csvExport(small, 'vitals')].join('')).toBe(csvHeader() + csvLines(whole.records));
    expect([...csvExport(small, 'adverse_events')].join('')).toBe(aeCsvHeader() + aeCsvLines(whole.adverse_events));
    expect([...csvExport(small, 'subjects')].join('')).toBe(subjectCsvHeader() + subjectCsvLines(whole.subjects));
  });

  it('comes in pieces of bounded size, however large the dataset', () => {
    const pieces = [...csvExport(recipe(3_000), 'vitals')];
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(80 * 1024);
  });

  it('names the file after the dataset and the table', () => {
    expect(exportFileName('9f2c4e1a-5b7d-4c3e-8a61-2f0b9d7e6c15', 'csv', 'adverse_events')).toBe('dataset-9f2c4e1a-adverse_events.csv');
    expect(exportFileName('9f2c4e1a-5b7d-4c3e-8a61-2f0b9d7e6c15', 'json', 'vitals')).toBe('dataset-9f2c4e1a.json');
  });
});
