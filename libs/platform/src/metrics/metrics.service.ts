import { Injectable, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { CacheService, poolUsage } from '../../../database/src/index.js';

/** Prometheus metrics of one process. A registry per app, so several apps can share a process (tests). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(cache: CacheService, @Optional() dataSource?: DataSource) {
    // The process itself: CPU, resident memory, heap, event-loop lag, garbage collection, handles.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'cache_hit_ratio',
      help: 'Share of read-through cache lookups served from the cache since start',
      registers: [this.registry],
      collect() {
        const { hits, misses } = cache.stats;
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const usage = dataSource && poolUsage(dataSource);
        if (!usage) return;
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
  }
}
