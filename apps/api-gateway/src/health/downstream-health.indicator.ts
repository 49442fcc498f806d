import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/** Asks a split-mode service for its own `/health`; down when it does not answer 200 in time. */
@Injectable()
export class DownstreamHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  check(name: string, baseUrl: string, timeoutMs = 3_000) {
    return this.health
      .check(name)
      .attempt(async ({ signal }) => {
        const response = await fetch(new URL('/health', baseUrl), { signal });
        const body = (await response.json().catch(() => ({}))) as { status?: string };
        if (!response.ok) throw new Error(`answered ${response.status} (${body.status ?? 'no status'})`);
        return { url: baseUrl, serviceStatus: body.status };
      })
      .withTimeout(timeoutMs);
  }
}
