import { readFile, writeFile } from 'node:fs/promises';

/** Resident memory of a process, in bytes, from /proc (Linux). */
export interface MemoryReading {
  rssBytes: number;
  /** The resident high-water mark since the process started or since `resetPeak`. */
  peakRssBytes: number;
}

const kilobytes = (status: string, field: string): number => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc status has no ${field} line`);
  return Number(match[1]) * 1024;
};

export async function readMemory(pid: number): Promise<MemoryReading> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: kilobytes(status, 'VmRSS'), peakRssBytes: kilobytes(status, 'VmHWM') };
}

/**
 * Sets the process's high-water mark back to its current RSS (`5` to clear_refs, Linux 4.0+), so a
 * later peak belongs to what ran in between rather than to an earlier phase. False when refused.
 */
export async function resetPeak(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads RSS every `intervalMs` until stopped: the sampled peak backs the kernel's high-water mark
 * up where resetting it is refused (then VmHWM still holds earlier phases' peak).
 */
export function sampleMemory(pid: number, intervalMs: number): { stop(): Promise<{ peakRssBytes: number; samples: number }> } {
  let peakRssBytes = 0;
  let samples = 0;
  let reading: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    reading = reading.then(async () => {
      try {
        const { rssBytes } = await readMemory(pid);
        peakRssBytes = Math.max(peakRssBytes, rssBytes);
        samples += 1;
      } catch {
        // The process is gone: the job's outcome says so.
      }
    });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await reading;
      return { peakRssBytes, samples };
    },
  };
}
