import { writeFile } from 'node:fs/promises';
import { completedDesign } from '../generators/default-design.js';
import type { Manifest } from '../generators/manifest.js';
import type { Recipe } from '../generators/recipe.js';
import { datasetPieces, passesFor } from '../generators/export.js';
import { type GenerateOptions, parseGenerateArguments } from './generate-arguments.js';
import { GENERATE_HELP } from './generate-help.js';
import { fileSink, type OutputSink, stdoutSink } from './output-sink.js';
import { progressFor } from './progress.js';
import { recipeFromOptions } from './recipe-from-options.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on Ctrl-C: the run stops at the next piece and removes its partial file. */
  signal?: AbortSignal;
}

/** `npm run generate -- ...`: parses, generates, writes; answers the exit code. Problems are one line on stderr. */
export async function runGenerate(args: readonly string[], io: CommandIo): Promise<number> {
  let options: GenerateOptions;
  let recipe: Recipe;
  try {
    const parsed = parseGenerateArguments(args);
    if (parsed.help) {
      io.stdout.write(GENERATE_HELP);
      return EXIT_OK;
    }
    options = parsed.options;
    recipe = await recipeFromOptions(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`generate: ${error.message}\n`);
    return EXIT_USAGE;
  }

  const sink = options.out === null ? stdoutSink(io.stdout) : fileSink(options.out);
  try {
    const manifest = await write(recipe, options, sink, io);
    if (options.manifest !== null) await writeFile(options.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    io.stderr.write(`${summary(manifest, sink, options)}\n`);
    return EXIT_OK;
  } catch (error) {
    await sink.discard().catch(() => undefined);
    if (io.signal?.aborted) {
      io.stderr.write('generate: stopped; nothing was written\n');
      return EXIT_INTERRUPTED;
    }
    io.stderr.write(`generate: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}

async function write(recipe: Recipe, options: GenerateOptions, sink: OutputSink, io: CommandIo): Promise<Manifest> {
  const visits = recipe.method === 'ae' ? 1 : completedDesign(recipe.design).visits.length;
  const subjects = recipe.parameters.n_total;
  const progress = progressFor(io.stderr, { subjects, expectedRecords: subjects * visits, passes: passesFor(options.format) });
  try {
    const pieces = datasetPieces(recipe, options.format, options.table, (block) => progress.advance(block));
    for (;;) {
      io.signal?.throwIfAborted();
      const next = pieces.next();
      if (next.done) {
        await sink.complete();
        return next.value;
      }
      await sink.write(next.value);
    }
  } finally {
    progress.stop();
  }
}

function summary(manifest: Manifest, sink: OutputSink, options: GenerateOptions): string {
  const { counts } = manifest;
  const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}`;
  const what = options.format === 'json' ? 'json' : `csv (${options.table})`;
  return (
    `generated ${count(counts.records, 'records')}, ${count(counts.subjects, 'subjects')}, ${count(counts.adverse_events, 'adverse events')}, ` +
    `${count(counts.injected_errors, 'injected errors')}; ${manifest.content_hash}; ${what} written to ${sink.name}` +
    (options.manifest === null ? '' : `, manifest to ${options.manifest}`)
  );
}
