import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

/** Node's timers take at most 2^31-1 ms; a longer value would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

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

  /**
   * Where migrations connect: the role that owns the schema. Unset: DATABASE_URL (then the services
   * run as the owner too, which a production start refuses).
   */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_MIGRATION_URL must look like postgres://owner:password@host:5432/database' })
  DATABASE_MIGRATION_URL?: string;

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

  /** Server-side limit of one statement (PostgreSQL cancels it). */
  @IsInt()
  @Min(0)
  @Max(MAX_TIMER_MS)
  DB_STATEMENT_TIMEOUT_MS: number = 30_000;

  /** Client-side limit of one query: also ends the wait on a database that stopped answering. */
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  DB_QUERY_TIMEOUT_MS: number = 35_000;

  /** Longest wait for a connection (a new one, or a free one from the pool). */
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  DB_CONNECT_TIMEOUT_MS: number = 5_000;

  /** PostgreSQL ends a session that sits in an open transaction longer than this. */
  @IsInt()
  @Min(1_000)
  @Max(MAX_TIMER_MS)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: number = 60_000;

  /**
   * A request not answered within this answers 503 with Retry-After. Longer than DB_QUERY_TIMEOUT_MS
   * (a hung database answers as such first) and shorter than GATEWAY_PROXY_TIMEOUT_MS (behind the
   * split gateway, the service's own answer arrives before the gateway gives up).
   */
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  REQUEST_TIMEOUT_MS: number = 45_000;

  /** On SIGTERM or Ctrl-C, the process exits at the latest this long after the signal, finished or not. */
  @IsInt()
  @Min(100)
  @Max(MAX_TIMER_MS)
  SHUTDOWN_TIMEOUT_MS: number = 30_000;

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
  @Max(86_400)
  CACHE_TTL_SECONDS: number = 300;

  @IsInt()
  @Min(10)
  @Max(5_000)
  CACHE_COMMAND_TIMEOUT_MS: number = 150;

  /** How often each process applies cache invalidations that another process could not bring to Redis. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  CACHE_INVALIDATION_REPLAY_MS: number = 1_000;

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
  @Max(MAX_TIMER_MS)
  GATEWAY_PROXY_TIMEOUT_MS: number = 60_000;

  /**
   * Signs access tokens (HS256). Required in production; elsewhere a random one is made once and
   * kept in EMBEDDED_DB_DIR/secrets, so restarts keep sessions valid and no published value signs.
   */
  @IsOptional()
  @IsString()
  @Length(32, 512, { message: 'JWT_SECRET must be 32 to 512 characters long' })
  JWT_SECRET?: string;

  @IsInt()
  @Min(30)
  @Max(86_400)
  JWT_ACCESS_TTL_SECONDS: number = 900;

  @IsInt()
  @Min(60)
  REFRESH_TOKEN_TTL_SECONDS: number = 43_200;

  /** Password of the first admin, created when the users table is empty. Unset: a random one is logged once. */
  @IsOptional()
  @IsString()
  ADMIN_PASSWORD?: string;

  /** Failed logins for one account within LOGIN_LOCK_SECONDS before it is locked for that long. */
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES: number = 5;

  /** Failed logins from one client address within LOGIN_LOCK_SECONDS before it is locked out. */
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_CLIENT: number = 20;

  @IsInt()
  @Min(1)
  LOGIN_LOCK_SECONDS: number = 900;

  /** Requests per minute through the gateway, per client address and per user; 0 turns a limit off. */
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_CLIENT_PER_MINUTE: number = 1_200;

  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_USER_PER_MINUTE: number = 1_200;

  /**
   * Which proxies' X-Forwarded-For to believe for the client address (Express "trust proxy"):
   * the gateway in front of split services, a load balancer in front of the gateway.
   */
  @IsString()
  TRUST_PROXY: string = 'loopback';

  /** Comma-separated browser origins allowed by CORS; unset means no cross-origin access. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** Reads of patient data are audited in batches: at most this long in memory before written. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  AUDIT_READ_FLUSH_MS: number = 1_000;

  /**
   * Once read auditing has been failing this long (the database unreachable), patient reads are
   * refused with 503 instead of being served unaudited; 0 refuses from the first failed write.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  AUDIT_READ_MAX_FAILURE_MS: number = 30_000;

  /** Committed audit events are linked into the hash chain at most this long after they are written. */
  @IsInt()
  @Min(50)
  @Max(60_000)
  AUDIT_SEAL_INTERVAL_MS: number = 500;

  /**
   * Signs audit-chain anchors (HMAC-SHA256); kept out of the database so that whoever can rewrite
   * the database cannot forge an anchor. Required in production; elsewhere a random one is made
   * and kept in EMBEDDED_DB_DIR/secrets.
   */
  @IsOptional()
  @IsString()
  @Length(32, 512, { message: 'AUDIT_ANCHOR_SECRET must be 32 to 512 characters long' })
  AUDIT_ANCHOR_SECRET?: string;

  /** How often the security service signs the chain head (when it moved); 0 turns periodic anchors off. */
  @IsInt()
  @Min(0)
  @Max(MAX_TIMER_MS)
  AUDIT_ANCHOR_INTERVAL_MS: number = 900_000;

  /** Each anchor is also appended here as one JSON line (ship it to write-once storage). Unset: the log only. */
  @IsOptional()
  @IsString()
  AUDIT_ANCHOR_FILE?: string;
}

/** Settings that are fine on a laptop and dangerous in production. */
export function productionProblems(config: PlatformConfig): string[] {
  if (config.NODE_ENV !== 'production') return [];
  const problems: string[] = [];
  if (!config.JWT_SECRET) {
    problems.push('JWT_SECRET is missing: production needs a random secret of at least 32 characters');
  }
  if (!config.AUDIT_ANCHOR_SECRET) {
    problems.push('AUDIT_ANCHOR_SECRET is missing: production signs audit-chain anchors with a random secret of at least 32 characters');
  }
  if (config.CORS_ORIGINS?.split(',').some((origin) => origin.trim() === '*')) {
    problems.push('CORS_ORIGINS="*": production needs the list of allowed origins');
  }
  return problems;
}

/** The environment variables the platform reads: the config's property names. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(new PlatformConfig());
