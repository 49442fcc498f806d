import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { PlatformConfig, productionProblems } from './platform-config.js';

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

const SECRET = /SECRET|PASSWORD/;

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const shown = SECRET.test(error.property) ? '(hidden)' : JSON.stringify(error.value);
  return `${error.property}=${shown}: ${reasons}`;
}

/**
 * Builds the validated configuration from environment variables (plus explicit overrides,
 * which tests use to run several differently configured apps in one process).
 * Empty strings count as unset, so `FOO=` falls back to the default.
 */
export function loadPlatformConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Record<string, string | undefined> = {},
): PlatformConfig {
  const known = new Set(Object.keys(new PlatformConfig()));
  const raw: Record<string, string> = {};
  for (const source of [env, overrides]) {
    for (const [key, value] of Object.entries(source)) {
      if (!known.has(key)) continue;
      if (value === undefined || value === '') delete raw[key];
      else raw[key] = value;
    }
  }
  const config = plainToInstance(PlatformConfig, raw, { enableImplicitConversion: true });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigurationError(errors.map(describe));
  if (config.DB_POOL_MIN > config.DB_POOL_MAX) {
    throw new ConfigurationError([`DB_POOL_MIN=${config.DB_POOL_MIN} must not exceed DB_POOL_MAX=${config.DB_POOL_MAX}`]);
  }
  const unsafe = productionProblems(config);
  if (unsafe.length > 0) throw new ConfigurationError(unsafe);
  return config;
}
