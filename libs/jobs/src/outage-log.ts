/** A line to log, at the level it deserves. */
export interface OutageLine {
  level: 'error' | 'log';
  message: string;
}

/**
 * Turns a stream of repeated errors (the queue's polls and supervision while the database is down:
 * more than one a second) into a few lines: the first error at once, then at most one summary per
 * `summaryEveryMs` with how many followed, and one line when it has been quiet for `quietMs` (the
 * polls succeed again). Pure: the caller says what time it is.
 */
export class OutageLog {
  private startedAt?: number;
  private lastErrorAt = 0;
  private lastLineAt = 0;
  private unreported = 0;
  private total = 0;
  private latest = '';

  constructor(
    private readonly summaryEveryMs = 60_000,
    private readonly quietMs = 15_000,
  ) {}

  get inOutage(): boolean {
    return this.startedAt !== undefined;
  }

  /** An error happened at `now`: the line to log now, if any. */
  error(message: string, now: number): OutageLine | null {
    this.lastErrorAt = now;
    this.total += 1;
    this.latest = message;
    if (this.startedAt === undefined) {
      this.startedAt = now;
      this.lastLineAt = now;
      return { level: 'error', message };
    }
    this.unreported += 1;
    return now - this.lastLineAt >= this.summaryEveryMs ? this.summary(now) : null;
  }

  /** Called periodically: the summary that is due, or the recovery once errors have stopped. */
  tick(now: number): OutageLine | null {
    if (this.startedAt === undefined) return null;
    if (now - this.lastErrorAt >= this.quietMs) {
      const line: OutageLine = {
        level: 'log',
        message: `working again after ${Math.round((this.lastErrorAt - this.startedAt) / 1_000)} s of errors (${this.total} in all)`,
      };
      this.startedAt = undefined;
      this.unreported = 0;
      this.total = 0;
      return line;
    }
    return this.unreported > 0 && now - this.lastLineAt >= this.summaryEveryMs ? this.summary(now) : null;
  }

  private summary(now: number): OutageLine {
    const line: OutageLine = {
      level: 'error',
      message: `${this.unreported} more error(s) in the last ${Math.round((now - this.lastLineAt) / 1_000)} s, still failing; latest: ${this.latest}`,
    };
    this.unreported = 0;
    this.lastLineAt = now;
    return line;
  }
}
