import { runGenerate } from './run-generate.js';

/**
 * `npm run generate -- --method rules --subjects 200 --seed 42 --out trial.csv`: a synthetic
 * dataset from the command line, without a server or database (see generate-help.ts).
 */
const interrupted = new AbortController();
process.once('SIGINT', () => interrupted.abort());
// A reader that goes away (`| head`) ends the run quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runGenerate(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: interrupted.signal });
