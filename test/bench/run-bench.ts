import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { readLoad, type ReadLoad } from './http-load.js';
import { type GenerationResults, measureGeneration } from './generation-phase.js';
import { printGenerationResults } from './generation-report.js';
import { type AnalyticsResults, measureAnalytics } from './analytics-phase.js';
import { printAnalyticsResults } from './analytics-report.js';
import { measureQualityRun, type QualityResults } from './quality-phase.js';
import { printQualityResults } from './quality-report.js';
import { apiSubjects, measureCopy, measureStoreVitals, verifyStored } from './ingestion-phase.js';
import { benchCredentials, platformAuthEnv, platformHeaders } from './platform-auth.js';
import { findFreePort } from '../../libs/database/src/index.js';
import { type NodeChild, startNode, waitForHealth } from './processes.js';
import { checkBareAnswers, warmReads } from './read-phase.js';
import { type BenchResults, machineInfo, printResults, ratio, writeResults } from './report.js';
import { createBenchDatabase, deleteKeys, serverVersions } from './resources.js';
import {
  BATCH_SIZE,
  GENERATION_VISITS_PER_SUBJECT,
  generationRecords,
  HEALTH_TIMEOUT_MS,
  INGEST_CLIENTS,
  READ_CONNECTIONS,
  readSeconds,
  RUNS,
  SUBJECTS,
} from './settings.js';
import { VISITS } from './workload.js';

/**
 * `npm run bench`: the platform (all-in-one, as its own process, on the real PostgreSQL and Redis)
 * against the machine's limits: ingestion through store-vitals vs COPY into the same tables, and
 * cached subject reads vs a bare Node server answering the same bodies from Redis, and a generated
 * dataset stored as a background job vs COPY of the same rows (last: its million rows would weigh
 * on the other figures).
 * A measurement, not a test: figures below target still exit 0; only errors exit non-zero.
 */
const REPO_ROOT = new URL('../../../', import.meta.url);
const PLATFORM_MAIN = new URL('../../apps/api-gateway/src/main.js', import.meta.url);
const BARE_SERVER = new URL('./bare-server.js', import.meta.url);
const RESULTS_FOLDER = new URL('test/bench/results/', REPO_ROOT);
const UNREACHABLE_RATE_LIMIT = 1_000_000_000;

/** Undone last-first even when a step fails or the run is interrupted; runs once. */
class Cleanup {
  private readonly steps: Array<{ label: string; run: () => Promise<unknown> }> = [];
  private done: Promise<boolean> | undefined;

  add(label: string, run: () => Promise<unknown>): void {
    this.steps.push({ label, run });
  }

  run(): Promise<boolean> {
    this.done ??= (async () => {
      let ok = true;
      for (const step of [...this.steps].reverse()) {
        try {
          await step.run();
        } catch (error) {
          ok = false;
          console.error(`Cleanup failed (${step.label}): ${(error as Error).message}`);
        }
      }
      return ok;
    })();
    return this.done;
  }
}

async function connectRedis(url: string): Promise<Redis> {
  // No retries: an unreachable Redis should fail the bench, not hang it.
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1 });
  await redis.connect();
  return redis;
}

async function startChild(cleanup: Cleanup, name: string, script: URL, env: NodeJS.ProcessEnv): Promise<{ child: NodeChild; origin: string }> {
  const port = await findFreePort();
  const child = startNode(name, script, { ...process.env, ...env, PORT: String(port) }, REPO_ROOT);
  cleanup.add(`stop ${name}`, () => child.stop());
  const origin = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${origin}/health`, HEALTH_TIMEOUT_MS);
  return { child, origin };
}

async function run(cleanup: Cleanup): Promise<void> {
  const seconds = readSeconds();
  const recordsToGenerate = generationRecords();
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const runId = randomBytes(6).toString('hex');
  const cachePrefix = `ctp_bench_${runId}:`;
  const barePrefix = `${cachePrefix}bench-bare:`;

  const redis = await connectRedis(redisUrl);
  cleanup.add('close Redis', () => redis.quit());
  cleanup.add('delete bench Redis keys', () => deleteKeys(redis, cachePrefix));
  const versions = await serverVersions(adminUrl, redis);
  const database = await createBenchDatabase(adminUrl, `ctp_bench_${runId}`);
  cleanup.add(`drop database ${database.name}`, () => database.drop());

  console.log(`Bench database ${database.name}, cache prefix ${cachePrefix}; starting the platform...`);
  const credentials = benchCredentials();
  const { child: platform, origin } = await startChild(cleanup, 'platform', PLATFORM_MAIN, {
    ...platformAuthEnv(credentials),
    PLATFORM_MODE: 'all-in-one',
    DATABASE_URL: database.url,
    DATABASE_MIGRATION_URL: database.migrationUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    CACHE_KEY_PREFIX: cachePrefix,
    NODE_ENV: 'production',
    // The platform still counts every request (the limiter's cost is measured) but never refuses:
    // one user at bench rates is far beyond any per-user limit meant for production.
    RATE_LIMIT_PER_CLIENT_PER_MINUTE: String(UNREACHABLE_RATE_LIMIT),
    RATE_LIMIT_PER_USER_PER_MINUTE: String(UNREACHABLE_RATE_LIMIT),
  });
  const headers = await platformHeaders(origin, credentials);

  console.log(`Ingestion: ${RUNS} x ${SUBJECTS} new subjects x ${VISITS.length} visits, store-vitals (${INGEST_CLIENTS} clients, batches of ${BATCH_SIZE}) then COPY...`);
  const storeVitals = await measureStoreVitals(origin, headers);
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  cleanup.add('close PostgreSQL connection', () => db.end());
  const copy = await measureCopy(db);
  const recordsThroughApi = await verifyStored(db, storeVitals.protocols);
  const recordsByCopy = await verifyStored(db, copy.protocols);

  const warmed = await warmReads(origin, headers, apiSubjects(), redis, cachePrefix, barePrefix);
  const load: ReadLoad = { connections: READ_CONNECTIONS, seconds, warmupSeconds: Math.min(3, seconds), headers };
  console.log(`Cached reads of ${warmed.paths.length} subjects: ${READ_CONNECTIONS} connections, ${seconds} s after ${load.warmupSeconds} s warm-up, platform, bare server, bare Express...`);
  const cachedReads = await readLoad(origin, warmed.paths, load);
  const { child: bare, origin: bareOrigin } = await startChild(cleanup, 'bare-server', BARE_SERVER, {
    REDIS_URL: redisUrl,
    BARE_KEY_PREFIX: barePrefix,
  });
  await checkBareAnswers(bareOrigin, warmed.sample);
  const bareReads = await readLoad(bareOrigin, warmed.paths, load);
  await bare.stop();
  const { child: bareExpress, origin: expressOrigin } = await startChild(cleanup, 'bare-express', BARE_SERVER, {
    REDIS_URL: redisUrl,
    BARE_KEY_PREFIX: barePrefix,
    BARE_FRAMEWORK: 'express',
  });
  await checkBareAnswers(expressOrigin, warmed.sample);
  const expressReads = await readLoad(expressOrigin, warmed.paths, load);
  await bareExpress.stop();

  let generation: GenerationResults | null = null;
  if (recordsToGenerate > 0) {
    console.log(`Generation: ${recordsToGenerate} records (rules, n_total ${recordsToGenerate / GENERATION_VISITS_PER_SUBJECT}) stored by a background job, then COPY of the same rows...`);
    generation = await measureGeneration(origin, () => platformHeaders(origin, credentials), db, platform, recordsToGenerate);
  }
  let quality: QualityResults | null = null;
  if (generation?.job.outcome === 'stored') {
    console.log(`Edit checks: a full run of the default rules over the ${generation.job.records} stored records, then a plain aggregate of the same rows...`);
    quality = await measureQualityRun(origin, await platformHeaders(origin, credentials), db, generation.job.datasetId);
  }
  let analytics: AnalyticsResults | null = null;
  if (quality) {
    console.log(`Statistics: the descriptive tables and the comparisons (Welch, ANCOVA) over the same ${generation?.job.records} records, then a plain aggregate of them...`);
    analytics = await measureAnalytics(origin, await platformHeaders(origin, credentials), db, quality.protocolId, quality.datasetId);
  }

  const results: BenchResults = {
    timestamp: new Date().toISOString(),
    machine: machineInfo(versions),
    settings: {
      runsPerIngestionPath: RUNS,
      reported: 'median run of each ingestion path',
      subjectsPerRun: SUBJECTS,
      visitsPerSubject: VISITS.length,
      batchSize: BATCH_SIZE,
      ingestClients: INGEST_CLIENTS,
      ingestWarmup: `${INGEST_CLIENTS * 10 * VISITS.length} records in batches of 50 on other subjects`,
      readSubjects: warmed.paths.length,
      readConnections: READ_CONNECTIONS,
      readSeconds: seconds,
      readWarmupSeconds: load.warmupSeconds,
      platformMode: 'all-in-one',
      platformNodeEnv: 'production',
      authenticated: 'authorization' in headers,
      rateLimitsPerMinute: `${UNREACHABLE_RATE_LIMIT} per client and per user (counted, never reached)`,
      generationRecords: recordsToGenerate,
      generationRequest: `POST /generation/generate/rules {"n_total": ${recordsToGenerate / GENERATION_VISITS_PER_SUBJECT}, "store": true}, the default study`,
    },
    ingestion: storeVitals.median,
    copy: copy.median,
    ingestionRuns: storeVitals.runs,
    copyRuns: copy.runs,
    cachedReads,
    bareReads,
    expressReads,
    ratios: {
      ingestionToCopy: ratio(storeVitals.median.recordsPerSecond, copy.median.recordsPerSecond),
      cachedReadsToBare: ratio(cachedReads.requestsPerSecond, bareReads.requestsPerSecond),
      generatedToCopy: generation?.copy ? ratio(generation.job.recordsPerSecond, generation.copy.recordsPerSecond) : null,
    },
    generation,
    quality,
    analytics,
    context: {
      expressToBare: expressReads.requestsPerSecond / bareReads.requestsPerSecond,
      cachedReadsToExpress: cachedReads.requestsPerSecond / expressReads.requestsPerSecond,
    },
    checks: {
      recordsStoredThroughApi: recordsThroughApi,
      recordsStoredByCopy: recordsByCopy,
      vitalsEntriesCachedAfterWarming: warmed.cachedEntries,
      platformStillRunning: !platform.exited(),
    },
    platformOutput: { lines: platform.lineCount(), first: platform.firstLines },
  };
  printResults(results);
  if (generation) printGenerationResults(generation, results.ratios.generatedToCopy);
  if (quality) printQualityResults(quality);
  if (analytics) printAnalyticsResults(analytics);
  const file = await writeResults(RESULTS_FOLDER, results);
  console.log(`Results written to ${file.href.slice(REPO_ROOT.href.length)}`);
}

async function main(): Promise<void> {
  const cleanup = new Cleanup();
  // Children, the database and the keys would outlive an interrupted bench otherwise.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: cleaning up...`);
      void cleanup.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
  let failed = false;
  try {
    await run(cleanup);
  } catch (error) {
    failed = true;
    console.error(`Benchmark failed: ${(error as Error).stack ?? String(error)}`);
  }
  const cleaned = await cleanup.run();
  process.exitCode = failed || !cleaned ? 1 : 0;
}

await main();
