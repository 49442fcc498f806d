import type { Redis } from 'ioredis';
import { REQUEST_TIMEOUT_MS } from './http-load.js';
import { countKeys } from './resources.js';
import { READ_SUBJECTS } from './settings.js';
import { VISITS } from './workload.js';

export interface WarmedReads {
  paths: string[];
  /** Vitals entries the platform holds in Redis afterwards: fewer than the subjects means reads miss. */
  cachedEntries: number;
  /** One path and the body the platform answered for it. */
  sample: { path: string; body: string };
}

export const readPath = (subject: string): string => `/edc/patients/${encodeURIComponent(subject)}/vitals`;

/**
 * Reads each subject once through the platform (filling its cache) and stores the exact body it
 * answered for the bare server, so both servers send the same bytes.
 */
export async function warmReads(
  origin: string,
  headers: Record<string, string>,
  subjects: string[],
  redis: Redis,
  cachePrefix: string,
  barePrefix: string,
): Promise<WarmedReads> {
  const chosen = subjects.filter((_, i) => i % Math.floor(subjects.length / READ_SUBJECTS) === 0).slice(0, READ_SUBJECTS);
  let sample: WarmedReads['sample'] | undefined;
  for (const subject of chosen) {
    const response = await fetch(origin + readPath(subject), { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await response.text();
    const parsed = response.status === 200 ? (JSON.parse(body) as { subject_id?: string; vitals?: unknown[] }) : undefined;
    if (parsed?.subject_id !== subject || parsed.vitals?.length !== VISITS.length) {
      throw new Error(`GET ${readPath(subject)} answered ${response.status}: ${body.slice(0, 300)}`);
    }
    sample ??= { path: readPath(subject), body };
    // Expires on its own should the bench's cleanup never run.
    await redis.set(barePrefix + subject, body, 'EX', 3_600);
  }
  // Keys carry the installation id after the prefix.
  const cachedEntries = await countKeys(redis, `${cachePrefix}*edc:vitals:*`);
  if (cachedEntries < chosen.length) {
    console.warn(`  Only ${cachedEntries} vitals entries in the cache after reading ${chosen.length} subjects: reads may miss.`);
  }
  if (sample === undefined) throw new Error('no subjects to read');
  return { paths: chosen.map(readPath), cachedEntries, sample };
}

/** The bare server must answer exactly what the platform did, or the comparison means nothing. */
export async function checkBareAnswers(bareOrigin: string, sample: WarmedReads['sample']): Promise<void> {
  const answer = await (await fetch(bareOrigin + sample.path, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).text();
  if (answer !== sample.body) throw new Error(`the bare server answered ${sample.path} with a body other than the platform's`);
}
