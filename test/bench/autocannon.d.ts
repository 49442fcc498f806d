// autocannon ships no types and @types/autocannon is not a dependency: only what the bench uses.
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      timeout?: number;
      headers?: Record<string, string>;
      /** Each connection cycles through these in order. */
      requests?: Request[];
      /** A run before the measured one, with its own results. */
      warmup?: { connections?: number; duration?: number };
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      p99_9: number;
    }

    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      statusCodeStats: Record<string, { count: number }>;
      /** Per second. */
      requests: Histogram & { total: number; sent: number };
      /** Milliseconds. */
      latency: Histogram & { totalCount: number };
      /** Bytes per second. */
      throughput: Histogram & { total: number };
    }
  }

  function autocannon(options: autocannon.Options): PromiseLike<autocannon.Result>;
  export default autocannon;
}
