import { readFileSync } from 'node:fs';
import { bootstrapModel } from './bootstrap.js';
import type { SourceRow } from './dataset.js';
import { defaultDesign } from './default-design.js';
import { recipeFor } from './generation.test-support.js';
import { ManifestBuilder } from './manifest.js';
import { fitMvn } from './mvn.js';
import { preview } from './preview.js';
import { blocksOf, IncompleteRecipeError, type Recipe } from './recipe.js';
import { csvHeader, csvLines } from './serialize.js';

const busy = { n_per_arm: 40, seed: 42, missing_rate: 0.1, dropout_rate: 0.1, errors: { out_of_range: 0.05, swapped_bp: 0.05, unit_flip: 0.05, typo: 0.05, duplicate_visit: 0.05, arm_switch: 0.1 } };

function csvOf(recipe: Recipe): string {
  let text = csvHeader();
  for (const block of blocksOf(recipe)) text += csvLines(block.records);
  return text;
}

describe('reproducibility', () => {
  it('gives the same recipe the same content hash and the same CSV bytes, run after run', () => {
    const recipe = recipeFor(busy);
    expect(preview(recipe).manifest.content_hash).toBe(preview(recipeFor(busy)).manifest.content_hash);
    expect(csvOf(recipe)).toBe(csvOf(recipeFor(busy)));
  });

  it('gives the same data from a recipe that went through JSON (as it is stored with a dataset)', () => {
    const recipe = recipeFor(busy);
    const stored = JSON.parse(JSON.stringify(recipe)) as Recipe;
    expect(preview(stored)).toEqual(preview(recipe));
  });

  it('gives another dataset for another seed', () => {
    expect(preview(recipeFor({ ...busy, seed: 43 })).manifest.content_hash).not.toBe(preview(recipeFor(busy)).manifest.content_hash);
  });

  it('keeps the output of a fixed recipe (golden hash)', () => {
    // Update only on purpose: a new hash means datasets stored before can no longer be made again
    // byte for byte from their recipes (say so in the release notes).
    const manifest = preview(recipeFor(busy)).manifest;
    expect(manifest.content_hash).toBe('sha256:a9ad549d54e94ce558aaec128539687b0e1e0786691d0d11b0e1f466dd1afa3c');
  });
});

describe('the manifest', () => {
  const recipe = recipeFor(busy);
  const result = preview(recipe);
  const manifest = result.manifest;

  it('records method, parameters, seed, reference date, design and software version', () => {
    expect(manifest.method).toBe('rules');
    expect(manifest.parameters).toEqual(recipe.parameters);
    expect(manifest.seed).toBe(42);
    expect(manifest.reference_date).toBe('2025-01-06');
    expect(manifest.design.protocol).toBe('RA001');
    expect(manifest.design.visits.map((visit) => visit.visitName)).toEqual(['Screening', 'Day 1', 'Week 4', 'Week 12']);
    const packageVersion = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(manifest.software_version).toBe(packageVersion);
    expect(manifest.content_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('counts what the dataset holds and lists every injected error and omission', () => {
    const blocks = [...blocksOf(recipe)];
    expect(manifest.counts).toEqual({
      subjects: 80,
      records: result.records.length,
      adverse_events: result.adverse_events.length,
      injected_errors: blocks.reduce((sum, block) => sum + block.injected.length, 0),
      not_storable_records: blocks.reduce((sum, block) => sum + block.unstorable.length, 0),
      missing_visits: blocks.flatMap((block) => block.omissions).filter((omission) => omission.kind === 'missing_visit').length,
      dropouts: blocks.filter((block) => block.subject.Status === 'withdrawn').length,
    });
    expect(manifest.injected_errors).toEqual(blocks.flatMap((block) => block.injected));
    expect(manifest.omissions).toEqual(blocks.flatMap((block) => block.omissions));
    expect(manifest.counts.injected_errors).toBeGreaterThan(0);
    expect(manifest.counts.not_storable_records).toBeGreaterThan(0);
  });

  it('names the source of a fitted or resampled dataset', () => {
    const withSource = new ManifestBuilder({ ...recipe, source: { description: 'study RA001 as stored', rows: [] } });
    expect(withSource.finish().source).toBe('study RA001 as stored');
    expect(manifest).not.toHaveProperty('source');
  });

  it('hashes the content only: the same data gives the same hash whatever the manifest says', () => {
    const again = new ManifestBuilder({ ...recipe, source: { description: 'another description' } });
    for (const block of blocksOf(recipe)) again.add(block);
    expect(again.finish().content_hash).toBe(manifest.content_hash);
  });
});

describe('the preview', () => {
  it('holds every record, adverse event and subject in generation order, records postable to store-vitals as they are', () => {
    const result = preview(recipeFor({ n_per_arm: 5 }));
    expect(result.subjects).toHaveLength(10);
    expect(result.records).toHaveLength(40);
    expect(Object.keys(result.records[0])).toEqual([
      'SubjectID',
      'VisitName',
      'TreatmentArm',
      'SystolicBP',
      'DiastolicBP',
      'HeartRate',
      'Temperature',
      'RespiratoryRate',
      'SiteID',
      'ProtocolID',
      'VisitDate',
      'MeasurementTime',
    ]);
  });
});

describe('the value model of a recipe', () => {
  const source: SourceRow[] = preview(recipeFor({ n_per_arm: 30, seed: 3 })).records.map((record) => ({
    subject: record.SubjectID,
    arm: record.TreatmentArm,
    visit: record.VisitName,
    systolic: record.SystolicBP,
    diastolic: record.DiastolicBP,
    heartRate: record.HeartRate,
    temperature: record.Temperature,
  }));
  const design = defaultDesign('RA001');

  it('samples a fitted multivariate normal for mvn, reproducibly', () => {
    const recipe: Recipe = { ...recipeFor({ n_per_arm: 10 }, design, 'mvn'), source: { fit: fitMvn(source, design), description: 'test rows' } };
    const first = preview(recipe);
    expect(first.records).toHaveLength(80);
    expect(preview(JSON.parse(JSON.stringify(recipe)) as Recipe).manifest.content_hash).toBe(first.manifest.content_hash);
  });

  it('resamples source trajectories for bootstrap', () => {
    const recipe: Recipe = { ...recipeFor({ n_per_arm: 10 }, design, 'bootstrap'), source: { rows: source, description: 'test rows' } };
    expect(preview(recipe).records).toHaveLength(80);
    expect(bootstrapModel(source, 0.05)).toBeDefined();
  });

  it('refuses an mvn or bootstrap recipe without its source', () => {
    expect(() => [...blocksOf(recipeFor({ n_per_arm: 1 }, design, 'mvn'))]).toThrow(IncompleteRecipeError);
    expect(() => [...blocksOf(recipeFor({ n_per_arm: 1 }, design, 'bootstrap'))]).toThrow(IncompleteRecipeError);
  });
});
