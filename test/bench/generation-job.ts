/** What GET /generation/jobs/{id} answers (the fields the bench reads). */
export interface JobState {
  id: string;
  state: 'queued' | 'running' | 'stored' | 'failed' | 'cancelled';
  percent: number;
  rows_written: number;
  rows_total: number;
  subjects_written: number;
  subjects_total: number;
  attempts: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A job followed from its POST to its end, with the times the bench saw each stage (ms after the POST). */
export interface FollowedJob {
  last: JobState;
  /** The POST's 202 came back. */
  acceptedMs: number;
  /** First seen with every row handed to the database (generation and COPY done; the EDC's finish follows). */
  allRowsWrittenMs: number | null;
  /** First seen stored, failed or cancelled (or given up on). */
  endedMs: number;
  /** The bench stopped waiting (too long, or the platform died) and cancelled the job. */
  gaveUp: boolean;
  polls: number;
  /** The longest a GET of the job took to answer: how long the platform kept a request waiting during the job. */
  slowestPollMs: number;
}

const POLL_INTERVAL_MS = 100;
const FINISHED = new Set(['stored', 'failed', 'cancelled']);

export type Headers = Record<string, string>;

async function call(url: string, init: RequestInit): Promise<{ status: number; text: string; location: string | null }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, text: await response.text(), location: response.headers.get('location') };
}

/**
 * POSTs the generation with `"store": true` and polls its job until it ends or `timeoutMs` passes
 * (then cancels it). `signIn` gives fresh headers when a token expires during a long job.
 */
export async function generateAndFollow(
  origin: string,
  method: string,
  parameters: Record<string, unknown>,
  signIn: () => Promise<Headers>,
  timeoutMs: number,
  aborted: () => string | undefined,
): Promise<FollowedJob> {
  let headers = await signIn();
  const started = performance.now();
  const since = () => performance.now() - started;
  const posted = await call(`${origin}/generation/generate/${method}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ ...parameters, store: true }),
  });
  if (posted.status !== 202 || !posted.location) {
    throw new Error(`POST /generation/generate/${method} answered ${posted.status} (expected 202 with a Location): ${posted.text.slice(0, 500)}`);
  }
  const acceptedMs = since();
  const jobUrl = new URL(posted.location, origin).href;
  const followed: FollowedJob = {
    last: JSON.parse(posted.text) as JobState,
    acceptedMs,
    allRowsWrittenMs: null,
    endedMs: acceptedMs,
    gaveUp: false,
    polls: 0,
    slowestPollMs: 0,
  };
  for (;;) {
    const asked = performance.now();
    const seen = await call(jobUrl, { headers });
    followed.polls += 1;
    followed.slowestPollMs = Math.max(followed.slowestPollMs, performance.now() - asked);
    if (process.env.BENCH_TRACE_JOB) console.log(`  job poll ${Math.round(since())} ms: ${seen.status} ${seen.text.slice(0, 160)} (${Math.round(performance.now() - asked)} ms)`);
    if (seen.status === 401) {
      headers = await signIn();
      continue;
    }
    if (seen.status !== 200) throw new Error(`GET ${posted.location} answered ${seen.status}: ${seen.text.slice(0, 500)}`);
    const job = JSON.parse(seen.text) as JobState;
    const at = since();
    followed.last = job;
    if (job.subjects_written === job.subjects_total && job.subjects_total > 0) followed.allRowsWrittenMs ??= at;
    if (FINISHED.has(job.state)) {
      followed.endedMs = at;
      return followed;
    }
    const why = at > timeoutMs ? `not finished after ${Math.round(timeoutMs / 1000)} s` : aborted();
    if (why) {
      followed.endedMs = at;
      followed.gaveUp = true;
      followed.last = { ...job, error: `${why}; the bench cancelled it` };
      await call(jobUrl, { method: 'DELETE', headers }).catch(() => undefined);
      return followed;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
