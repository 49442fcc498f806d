import type { HealthCheckResult } from '@nestjs/terminus';

/** Terminus's standard body plus which service answered and when. */
export type ServiceHealth = HealthCheckResult & { service: string; timestamp: string };

export function withServiceFields(service: string, result: HealthCheckResult): ServiceHealth {
  return { ...result, service, timestamp: new Date().toISOString() };
}
