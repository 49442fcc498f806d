import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultDesign } from '../generators/default-design.js';
import { withDefaults } from '../generators/parameters.js';
import { preview } from '../generators/preview.js';
import { csvHeader, csvLines } from '../generators/serialize.js';
import { runGenerate } from './run-generate.js';

/** Standard output and error captured as text; `isTTY` as a terminal would say. */
function capturedIo(options: { tty?: boolean; signal?: AbortSignal } = {}) {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdout, stderr, signal: options.signal }, out: () => out, err: () => err };
}

describe('npm run generate: a run', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'generate-run-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  const design = defaultDesign('DEFAULT');
  const expected = preview({ method: 'rules', design, parameters: withDefaults('rules', { n_total: 20, seed: 42 }, design) });

  it('writes the CSV to standard output and one summary line to standard error', async () => {
    const { io, out, err } = capturedIo();
    expect(await runGenerate(['--subjects', '20', '--seed', '42'], io)).toBe(0);
    expect(out()).toBe(csvHeader() + csvLines(expected.records));
    expect(err()).toBe(
      `generated ${expected.manifest.counts.records} records, 20 subjects, ${expected.manifest.counts.adverse_events} adverse events, 0 injected errors; ` +
        `${expected.manifest.content_hash}; csv (vitals) written to standard output\n`,
    );
  });

  it('writes the file and the manifest named, leaving nothing else behind', async () => {
    const out = join(folder, 'trial.json');
    const manifest = join(folder, 'trial.manifest.json');
    const { io, err } = capturedIo();
    expect(await runGenerate(['--subjects', '20', '--seed', '42', '--out', out, '--manifest', manifest], io)).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(JSON.stringify(expected));
    expect(JSON.parse(await readFile(manifest, 'utf8'))).toEqual(expected.manifest);
    expect(err()).toMatch(/json written to .*trial\.json, manifest to .*trial\.manifest\.json\n$/);
    expect((await readdir(folder)).sort()).toEqual(['trial.json', 'trial.manifest.json']);
  });

  it('answers exit code 2 and one line naming the flag for a usage error, writing nothing', async () => {
    const { io, out, err } = capturedIo();
    expect(await runGenerate(['--subjects', 'many'], io)).toBe(2);
    expect(err()).toBe('generate: --subjects must be a whole number (got "many")\n');
    expect(out()).toBe('');
  });

  it('prints the help on standard output', async () => {
    const { io, out } = capturedIo();
    expect(await runGenerate(['--help'], io)).toBe(0);
    expect(out()).toContain('Usage: npm run -s generate -- [options]');
  });

  it('answers exit code 1 when the output cannot be written, with the reason and no partial file', async () => {
    const { io, err } = capturedIo();
    expect(await runGenerate(['--subjects', '20', '--out', join(folder, 'no-such-folder', 'trial.csv')], io)).toBe(1);
    expect(err()).toMatch(/^generate: ENOENT/);
  });

  it('stops when interrupted, removing what it had written', async () => {
    const interrupted = new AbortController();
    interrupted.abort();
    const out = join(folder, 'stopped.csv');
    const { io, err } = capturedIo({ signal: interrupted.signal });
    expect(await runGenerate(['--subjects', '20', '--out', out], io)).toBe(130);
    expect(err()).toBe('generate: stopped; nothing was written\n');
    expect((await readdir(folder)).filter((name) => name.startsWith('stopped'))).toEqual([]);
  });

  it('draws a progress bar on a terminal\'s standard error for a long run, and none for a short one', async () => {
    const long = capturedIo({ tty: true });
    expect(await runGenerate(['--subjects', '3000', '--out', join(folder, 'long.csv')], long.io)).toBe(0);
    expect(long.err()).toContain('subjects');
    expect(long.err()).toContain('3000/3000');
    const short = capturedIo({ tty: true });
    expect(await runGenerate(['--subjects', '20', '--out', join(folder, 'short.csv')], short.io)).toBe(0);
    expect(short.err().split('\n').filter(Boolean)).toHaveLength(1);
  });
});
