import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDesign } from '../generators/default-design.js';
import { fitMvn } from '../generators/mvn.js';
import { withDefaults } from '../generators/parameters.js';
import { preview } from '../generators/preview.js';
import { sourceRowsFromRecords } from '../generators/source-rows.js';
import { parseGenerateArguments } from './generate-arguments.js';
import { NO_SOURCE_DESCRIPTION, recipeFromOptions } from './recipe-from-options.js';
import { UsageError } from './usage-error.js';

async function recipeOf(...args: string[]) {
  const parsed = parseGenerateArguments(args);
  if (parsed.help) throw new Error('expected options');
  return recipeFromOptions(parsed.options);
}

async function usageErrorOf(...args: string[]): Promise<string> {
  const error = await recipeOf(...args).then(
    () => new Error(`no usage error for ${args.join(' ')}`),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('npm run generate: the recipe', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'generate-cli-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  const sourceFile = async (name: string, content: unknown) => {
    const path = join(folder, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('is the API\'s recipe without a database: the default design under the protocol asked for, parameters filled by withDefaults', async () => {
    const design = defaultDesign('RA001');
    expect(await recipeOf('--protocol', 'RA001', '--subjects', '9', '--seed', '5')).toEqual({
      method: 'rules',
      design,
      parameters: withDefaults('rules', { protocol_id: 'RA001', n_total: 9, seed: 5 }, design),
    });
  });

  it('refuses what withDefaults refuses, naming the flag and the API parameter', async () => {
    expect(await usageErrorOf('--seed', '4294967296')).toBe('--seed: seed must be an integer from 0 to 4294967295');
    expect(await usageErrorOf('--reference-date', '2025-02-30')).toBe('--reference-date: reference_date must be a real date written YYYY-MM-DD');
    expect(await usageErrorOf('--sites', 'S01,S01')).toBe('--sites: sites must not list a site twice');
    expect(await usageErrorOf('--missing-rate', '1.5')).toBe('--missing-rate: missing_rate must be a number from 0 to 1');
    expect(await usageErrorOf('--errors', 'gremlins=0.1')).toMatch(/^--error-rate: errors.gremlins is not an error kind/);
    expect(await usageErrorOf('--method', 'ae', '--ae-rate', 'Control=1')).toMatch(/^--ae-rate: ae_rates.Control is not an arm of study DEFAULT/);
    expect(await usageErrorOf('--effect-visit', 'Week 99')).toMatch(/^--effect-visit: effect_visit is not a visit of study DEFAULT/);
    expect(await usageErrorOf('--subjects', '1')).toBe('--subjects: n_total must be at least the number of arms (2)');
  });

  it('fits mvn to a source file of records, described as the API describes supplied records', async () => {
    const records = preview(await recipeOf('--per-arm', '10', '--seed', '3')).records;
    const path = await sourceFile('records.json', records);
    const recipe = await recipeOf('--method', 'mvn', '--per-arm', '2', '--source', path);
    expect(recipe.source?.description).toBe(`${records.length} supplied records`);
    expect(recipe.source?.fit).toEqual(fitMvn(sourceRowsFromRecords(records), recipe.design));
  });

  it('reads a preview saved whole as a source, and falls back to the design for mvn without one', async () => {
    const saved = preview(await recipeOf('--per-arm', '3', '--seed', '3'));
    const path = await sourceFile('preview.json', saved);
    expect((await recipeOf('--method', 'bootstrap', '--source', path)).source?.rows).toHaveLength(saved.records.length);
    const fallback = await recipeOf('--method', 'mvn');
    expect(fallback.source?.description).toBe(NO_SOURCE_DESCRIPTION);
    expect(fallback.source?.fit?.blocks.every((block) => block.fallback)).toBe(true);
  });

  it('refuses a source that cannot be read or used, saying why', async () => {
    expect(await usageErrorOf('--method', 'mvn', '--source', join(folder, 'absent.json'))).toMatch(/^--source: cannot read .*absent\.json \(ENOENT\)/);
    expect(await usageErrorOf('--method', 'mvn', '--source', await sourceFile('broken.json', '[{'))).toMatch(/^--source: .*broken\.json is not JSON/);
    expect(await usageErrorOf('--method', 'mvn', '--source', await sourceFile('empty.json', { records: [] }))).toMatch(/must hold a non-empty array of records/);
    expect(await usageErrorOf('--method', 'mvn', '--source', await sourceFile('bad.json', [{ SubjectID: 'A', VisitName: 'Day 1', TreatmentArm: 'Active', SystolicBP: 'high' }]))).toMatch(
      /^--source: source record 0: SystolicBP must be a number/,
    );
    const active = preview(await recipeOf('--per-arm', '3')).records.filter((record) => record.TreatmentArm === 'Active');
    expect(await usageErrorOf('--method', 'bootstrap', '--source', await sourceFile('active.json', active))).toMatch(/has none in "Placebo"/);
  });
});
