import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags, type ApiPropertyOptions, type HeadersObject } from '@nestjs/swagger';
import { ApiErrorBody } from '../errors/api-error.js';
import { MAX_PAGE_SIZE } from '../pagination/page-query.js';

/** The tags of the document: one per feature. A controller names one of these with `@ApiFeature`. */
export const API_TAGS = {
  vitals: 'Capture vital signs (store-vitals) and read a subject\'s vitals',
  patients: 'Subjects (patients) of the trial',
  studies: 'Study set-up: sites, treatment arms, visit schedule and randomization settings',
  'adverse events': 'Adverse events per subject: term, MedDRA body system, dates, grade, seriousness, relationship to treatment, outcome, action taken',
  corrections: 'Corrections of captured vital signs and adverse events with a reason, entered-in-error, and each record\'s history from the audit trail',
  'locks and signatures': 'Locks on a subject\'s data or one visit, and electronic signatures of a casebook (21 CFR Part 11): password checked again, printed name, meaning, invalidated when signed data changes',
  casebook: 'Everything about one subject in one read: study, site, arm, status, visits with their vitals and windows, adverse events, locks and signatures',
  'data generation': 'Synthetic, reproducible clinical-trial datasets: previews, datasets stored in a study as background jobs, streamed exports, and how close a dataset is to its source',
  quality: 'Edit checks: each study\'s rule library (YAML or JSON), checks of a batch or of stored data with their findings, and data queries from open to closed',
  analytics: 'Statistics on vitals by arm and visit (descriptive tables, change from baseline, Welch tests, ANCOVA), risk-based monitoring, the clinical study report, and CDISC SDTM and HL7 FHIR exports',
  auth: 'Sign-in, tokens and sessions',
  users: 'User accounts, roles and sites (admin)',
  'audit trail': 'Search, export and verify the audit trail, and sign anchors of its hash chain',
  health: 'Health checks of the gateway and each service',
  metrics: 'Prometheus metrics',
} as const;
export type ApiTag = keyof typeof API_TAGS;

/** `@ApiTags` limited to the document's known tags. */
export const ApiFeature = (tag: ApiTag): MethodDecorator & ClassDecorator => ApiTags(tag);

export const RETRY_AFTER_HEADER: HeadersObject = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
};

/** An error answer of a route, in the platform's one error format (`ApiErrorBody`). */
export function ApiError(status: HttpStatus, description: string, options: { retryAfter?: boolean } = {}): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, type: ApiErrorBody, ...(options.retryAfter ? { headers: RETRY_AFTER_HEADER } : {}) });
}

/** `{ limit, offset, total }` of every paginated list. */
export class PageInfo {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, example: 50 })
  limit!: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  offset!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'every match, not only this page', example: 1 })
  total!: number;
}

/** One check of a health answer (Terminus's indicator result); the cache adds why it is degraded. */
const HEALTH_INDICATORS: ApiPropertyOptions = {
  type: 'object',
  description: 'by check name (`database`, `cache`, or each service behind the split gateway)',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down', 'degraded'] } },
    required: ['status'],
    additionalProperties: true,
  },
};

/** Terminus's health body plus which service answered and when (`ServiceHealth`). */
export class ServiceHealthResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] })
  status!: 'ok' | 'error' | 'shutting_down';

  @ApiPropertyOptional({ ...HEALTH_INDICATORS, description: 'checks that are up' })
  info?: Record<string, { status: string }>;

  @ApiPropertyOptional({ ...HEALTH_INDICATORS, description: 'checks that are down' })
  error?: Record<string, { status: string }>;

  @ApiProperty(HEALTH_INDICATORS)
  details!: Record<string, { status: string }>;

  @ApiProperty({ example: 'api-gateway' })
  service!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;
}

/** Marks a route the gateway's rate limits leave alone (the health checks), so no 429 is documented. */
export const NOT_RATE_LIMITED = 'x-rate-limited';

/**
 * A health route, documented the same wherever it is served (all-in-one, a service on its own,
 * the split gateway), so that both modes publish one document.
 */
export function ApiHealthCheck(service: string): MethodDecorator {
  const operationId = service.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()) + 'Health';
  return applyDecorators(
    ApiFeature('health'),
    ApiOperation({ operationId, summary: `Health of ${service}` }),
    ApiExtension(NOT_RATE_LIMITED, false),
    ApiResponse({ status: HttpStatus.OK, type: ServiceHealthResponse, description: 'up; `status: ok` (a down cache shows as `degraded` and still answers 200)' }),
    ApiResponse({ status: HttpStatus.SERVICE_UNAVAILABLE, type: ServiceHealthResponse, description: 'the database (or, behind the split gateway, a service) is down; `status: error`' }),
  );
}
