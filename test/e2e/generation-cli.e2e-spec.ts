import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { csvHeader, csvLines } from '../../apps/data-generation-service/src/generators/serialize.js';
import { type PlatformUnderTest, startPlatform } from '../support/platform.js';

/** The compiled command, as `npm run generate` runs it (the tests run after tsc). */
const COMMAND = join(process.cwd(), 'dist/apps/data-generation-service/src/cli/generate.command.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function generate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [COMMAND, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function expectStatus(response: Response, status: number): void {
  expect({ status: response.status, message: response.body?.message }).toEqual({ status, message: response.body?.message });
}

const STORE_VITALS_FIELDS = 'SubjectID,VisitName,TreatmentArm,SystolicBP,DiastolicBP,HeartRate,Temperature,RespiratoryRate,SiteID,ProtocolID,VisitDate,MeasurementTime';

describe('npm run generate: the generators from the command line', () => {
  let folder: string;
  const file = (name: string) => join(folder, name);

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'generation-cli-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  describe('without a server', () => {
    it('writes a CSV of store-vitals records to --out: the header, then one line per record', async () => {
      const run = await generate('--method', 'rules', '--subjects', '200', '--seed', '42', '--out', file('trial.csv'), '--manifest', file('trial.manifest.json'));
      expect(run).toMatchObject({ code: 0, stdout: '' });
      const lines = (await readFile(file('trial.csv'), 'utf8')).split('\n');
      expect(lines[0]).toBe(STORE_VITALS_FIELDS);
      expect(lines.pop()).toBe('');
      // 200 subjects, four scheduled visits, nothing left out or added by default.
      expect(lines).toHaveLength(1 + 800);
      const manifest = JSON.parse(await readFile(file('trial.manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ method: 'rules', seed: 42, counts: { subjects: 200, records: 800 } });
    });

    it('writes the same bytes for the same arguments, and other bytes for another seed', async () => {
      const args = ['--per-arm', '30', '--seed', '7', '--missing-rate', '0.1', '--errors', 'typo=0.05,duplicate_visit=0.05'];
      expect((await generate(...args, '--out', file('first.csv'))).code).toBe(0);
      expect((await generate(...args, '--out', file('second.csv'))).code).toBe(0);
      expect((await generate(...args.slice(0, 3), '8', ...args.slice(4), '--out', file('other.csv'))).code).toBe(0);
      const first = await readFile(file('first.csv'));
      expect((await readFile(file('second.csv'))).equals(first)).toBe(true);
      expect((await readFile(file('other.csv'))).equals(first)).toBe(false);
    });

    it('without a terminal, says nothing on standard error but one summary line (no progress bar)', async () => {
      const run = await generate('--subjects', '3000', '--seed', '1', '--out', file('long.csv'));
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/^generated 12,000 records, 3,000 subjects, [\d,]+ adverse events, 0 injected errors; sha256:[0-9a-f]{64}; csv \(vitals\) written to .*long\.csv\n$/);
    });

    it('refuses a wrong flag with exit code 2 and one line naming it, without a stack trace or a file', async () => {
      const unknown = await generate('--colour', 'blue', '--out', file('refused.csv'));
      expect(unknown).toEqual({ code: 2, stdout: '', stderr: 'generate: unknown option --colour (see --help)\n' });
      const outOfRange = await generate('--seed', '4294967296', '--out', file('refused.csv'));
      expect(outOfRange).toEqual({ code: 2, stdout: '', stderr: 'generate: --seed: seed must be an integer from 0 to 4294967295\n' });
      expect((await readdir(folder)).filter((name) => name.startsWith('refused'))).toEqual([]);
    });
  });

  describe('the same bytes as the API', () => {
    let platform: PlatformUnderTest;

    beforeAll(async () => {
      platform = await startPlatform('all-in-one');
    });
    afterAll(() => platform?.close());

    const api = (method: string, body: Record<string, unknown>) => platform.admin.post(`/generation/generate/${method}`).send(body);

    it('rules: the JSON is the preview\'s body byte for byte, and the manifest the preview\'s', async () => {
      const body = {
        n_total: 41,
        seed: 12,
        sites: ['S01', 'S02'],
        reference_date: '2024-03-04',
        enrolment_days: 30,
        missing_rate: 0.05,
        dropout_rate: 0.1,
        errors: { swapped_bp: 0.03, typo: 0.03, arm_switch: 0.1 },
        ae_rates: { Active: 1.5 },
        target_effect: -8,
        effect_visit: 'Week 4',
      };
      const response = await api('rules', body);
      expectStatus(response, 200);
      const run = await generate(
        '--subjects', '41', '--seed', '12', '--sites', 'S01,S02', '--reference-date', '2024-03-04', '--enrolment-days', '30', '--missing-rate', '0.05',
        '--dropout-rate', '0.1', '--error-rate', 'swapped_bp=0.03', '--error-rate', 'typo=0.03', '--error-rate', 'arm_switch=0.1',
        '--ae-rate', 'Active=1.5', '--target-effect', '-8', '--effect-visit', 'Week 4',
        '--out', file('rules.json'), '--manifest', file('rules.manifest.json'),
      );
      expect(run.code).toBe(0);
      expect(await readFile(file('rules.json'), 'utf8')).toBe(response.text);
      const manifest = JSON.parse(await readFile(file('rules.manifest.json'), 'utf8'));
      expect(manifest.content_hash).toBe(response.body.manifest.content_hash);
      expect(manifest.software_version).toBe(response.body.manifest.software_version);
    });

    it('rules: the CSV is the preview\'s records under the store-vitals header', async () => {
      const response = await api('rules', { n_per_arm: 5, seed: 3, sites: ['S01', 'S02'] });
      expectStatus(response, 200);
      const run = await generate('--per-arm', '5', '--seed', '3', '--sites', 'S01,S02');
      expect(run.code).toBe(0);
      expect(run.stdout.slice(0, run.stdout.indexOf('\n'))).toBe(STORE_VITALS_FIELDS);
      expect(run.stdout).toBe(csvHeader() + csvLines(response.body.records));
      expect(run.stderr).toContain(response.body.manifest.content_hash);
    });

    it('mvn and bootstrap: the same bytes from records in a file as from the same records in the request', async () => {
      const source = await api('rules', { n_per_arm: 12, seed: 99, sites: ['S01'] });
      expectStatus(source, 200);
      await writeFile(file('source.json'), source.text);

      const mvn = await api('mvn', { n_per_arm: 6, seed: 4, sites: ['S01'], source: { records: source.body.records } });
      expectStatus(mvn, 200);
      expect((await generate('--method', 'mvn', '--per-arm', '6', '--seed', '4', '--sites', 'S01', '--source', file('source.json'), '--format', 'json', '--out', file('mvn.out'))).code).toBe(0);
      expect(await readFile(file('mvn.out'), 'utf8')).toBe(mvn.text);

      const bootstrap = await api('bootstrap', { n_per_arm: 6, seed: 4, sites: ['S01'], jitter: 0.1, source: { records: source.body.records } });
      expectStatus(bootstrap, 200);
      const run = await generate('--method', 'bootstrap', '--per-arm', '6', '--seed', '4', '--sites', 'S01', '--jitter', '0.1', '--source', file('source.json'), '--format', 'json');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(bootstrap.text);
    });

    it('ae: the same adverse events as the API', async () => {
      const response = await api('ae', { n_per_arm: 10, seed: 5, sites: ['S01'], ae_rates: { Active: 2, Placebo: 1 }, serious_rate: 0.3 });
      expectStatus(response, 200);
      const run = await generate('--method', 'ae', '--per-arm', '10', '--seed', '5', '--sites', 'S01', '--ae-rate', 'Active=2', '--ae-rate', 'Placebo=1', '--serious-rate', '0.3', '--format', 'json');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(response.text);
    });
  });
});
