import autocannon from 'autocannon';
import type { VitalRecordBody } from './workload.js';

export interface IngestionFigures {
  records: number;
  batches: number;
  clients: number;
  seconds: number;
  recordsPerSecond: number;
}

/** Far above any batch's time: reached only when the platform hangs, which should fail the bench, not stall it. */
export const REQUEST_TIMEOUT_MS = 60_000;

interface StoreVitalsAnswer {
  records_stored: number;
  records_received: number;
}

async function storeBatch(baseUrl: string, headers: Record<string, string>, body: string, count: number): Promise<number> {
  const response = await fetch(`${baseUrl}/edc/store-vitals`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`store-vitals answered ${response.status}: ${text.slice(0, 500)}`);
  const answer = JSON.parse(text) as StoreVitalsAnswer;
  if (answer.records_received !== count) throw new Error(`store-vitals received ${answer.records_received} of ${count} records`);
  return answer.records_stored;
}

/**
 * Sends the batches from `clients` concurrent senders (each takes the next unsent batch), as
 * sites' uploads would arrive. Bodies are serialised before the clock starts: the figure is the
 * platform's, not the client's JSON encoder's.
 */
export async function ingest(
  baseUrl: string,
  headers: Record<string, string>,
  batches: VitalRecordBody[][],
  clients: number,
): Promise<IngestionFigures> {
  const bodies = batches.map((records) => JSON.stringify({ records }));
  const expected = batches.reduce((sum, batch) => sum + batch.length, 0);
  let next = 0;
  let stored = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const index = next++;
      // Not `stored += await …`: that reads `stored` before awaiting and loses the other senders' counts.
      const count = await storeBatch(baseUrl, headers, bodies[index], batches[index].length);
      stored += count;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, sender));
  const seconds = (performance.now() - started) / 1000;
  if (stored !== expected) throw new Error(`store-vitals stored ${stored} records; expected ${expected}`);
  return { records: stored, batches: batches.length, clients, seconds, recordsPerSecond: stored / seconds };
}

export interface ReadFigures {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface ReadLoad {
  connections: number;
  seconds: number;
  warmupSeconds: number;
  headers: Record<string, string>;
}

/**
 * Keeps `connections` requests in flight for `seconds`, each connection cycling over the paths
 * (pre-built requests, so the load generator spends its CPU on sending, not on building).
 * A warm-up run first lets the server's JIT and connections settle; only the second run counts.
 */
export async function readLoad(origin: string, paths: string[], load: ReadLoad): Promise<ReadFigures> {
  const result = await autocannon({
    url: origin,
    connections: load.connections,
    duration: load.seconds,
    headers: load.headers,
    requests: paths.map((path) => ({ method: 'GET', path })),
    warmup: { connections: load.connections, duration: load.warmupSeconds },
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) {
    throw new Error(
      `${origin}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts ` +
        `(status counts ${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  const { p50, p90, p99, max, mean } = result.latency;
  return {
    connections: load.connections,
    seconds: result.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.mean,
    latencyMs: { p50, p90, p99, max, mean },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}
