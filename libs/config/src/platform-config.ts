import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
} from 'class-validator';

export const PLATFORM_MODES = ['all-in-one', 'split'] as const;
export type PlatformMode = (typeof PLATFORM_MODES)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Reads the raw string: implicit conversion would already have made "false" true. */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown => {
  const value = obj[key];
  if (typeof value !== 'string') return value;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  return value;
};

const serviceUrl = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every setting the platform reads, with its default. Built from environment variables by
 * `loadPlatformConfig`; the property names are the variable names so error messages name them.
 */
export class PlatformConfig {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  /** Overrides the service's default port. Unset means "use the service's default". */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsIn(PLATFORM_MODES)
  PLATFORM_MODE: PlatformMode = 'all-in-one';

  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  /** Unset: an embedded PostgreSQL is started in EMBEDDED_DB_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must look like postgres://user:password@host:5432/database' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_DB_DIR: string = 'database/data';

  @IsInt()
  @Min(0)
  @Max(1000)
  DB_POOL_MIN: number = 2;

  @IsInt()
  @Min(1)
  @Max(1000)
  DB_POOL_MAX: number = 10;

  @IsInt()
  @Min(0)
  DB_STATEMENT_TIMEOUT_MS: number = 60_000;

  @IsInt()
  @Min(100)
  DB_CONNECT_TIMEOUT_MS: number = 30_000;

  @Transform(toBoolean)
  @IsBoolean()
  DB_MIGRATIONS_RUN: boolean = true;

  /** Unset (and no REDIS_HOST): an in-process cache serves instead of Redis. */
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must look like redis://host:6379' })
  REDIS_URL?: string;

  @IsOptional()
  @IsString()
  REDIS_HOST?: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  REDIS_PORT: number = 6379;

  @IsString()
  CACHE_KEY_PREFIX: string = 'ctp:';

  @IsInt()
  @Min(1)
  CACHE_TTL_SECONDS: number = 300;

  @IsInt()
  @Min(10)
  @Max(5_000)
  CACHE_COMMAND_TIMEOUT_MS: number = 150;

  /** Protocol of records sent without ProtocolID (a deployment usually runs one study). */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'DEFAULT_PROTOCOL_ID must be a protocol code such as RA001' })
  DEFAULT_PROTOCOL_ID: string = 'DEFAULT';

  @Matches(/^\d+(kb|mb)$/i, { message: 'BODY_LIMIT must be a size such as 512kb or 5mb' })
  BODY_LIMIT: string = '5mb';

  @IsUrl(serviceUrl)
  EDC_SERVICE_URL: string = 'http://edc-service:8001';

  @IsUrl(serviceUrl)
  GENERATION_SERVICE_URL: string = 'http://data-generation-service:8002';

  @IsUrl(serviceUrl)
  ANALYTICS_SERVICE_URL: string = 'http://analytics-service:8003';

  @IsUrl(serviceUrl)
  QUALITY_SERVICE_URL: string = 'http://quality-service:8004';

  @IsUrl(serviceUrl)
  SECURITY_SERVICE_URL: string = 'http://security-service:8005';

  @IsInt()
  @Min(100)
  GATEWAY_PROXY_TIMEOUT_MS: number = 30_000;

  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;
}

/** The environment variables the platform reads: the config's property names. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(new PlatformConfig());
