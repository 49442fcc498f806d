import { ConfigurationError, loadPlatformConfig } from './load-platform-config.js';

describe('loadPlatformConfig', () => {
  it('gives every setting its documented default when nothing is set', () => {
    const config = loadPlatformConfig({});
    expect(config).toMatchObject({
      PLATFORM_MODE: 'all-in-one',
      DB_POOL_MIN: 2,
      DB_POOL_MAX: 10,
      DB_STATEMENT_TIMEOUT_MS: 30_000,
      DB_CONNECT_TIMEOUT_MS: 5_000,
      DB_MIGRATIONS_RUN: true,
      CACHE_TTL_SECONDS: 300,
      EDC_SERVICE_URL: 'http://edc-service:8001',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBeUndefined();
  });

  it('orders the waits so the innermost answers first: query < request < gateway proxy', () => {
    const config = loadPlatformConfig({});
    expect(config.DB_QUERY_TIMEOUT_MS).toBeLessThan(config.REQUEST_TIMEOUT_MS);
    expect(config.REQUEST_TIMEOUT_MS).toBeLessThan(config.GATEWAY_PROXY_TIMEOUT_MS);
  });

  it('refuses a wait longer than a timer can hold (it would fire at once)', () => {
    expect(() => loadPlatformConfig({ REQUEST_TIMEOUT_MS: '3000000000' })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(() => loadPlatformConfig({ AUDIT_ANCHOR_INTERVAL_MS: '3000000000' })).toThrow(/AUDIT_ANCHOR_INTERVAL_MS/);
  });

  it('converts numbers and booleans, and treats empty values as unset', () => {
    const config = loadPlatformConfig({ PORT: '9000', DB_MIGRATIONS_RUN: 'false', DATABASE_URL: '' });
    expect(config.PORT).toBe(9000);
    expect(config.DB_MIGRATIONS_RUN).toBe(false);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('lets explicit overrides win over the environment', () => {
    expect(loadPlatformConfig({ PORT: '9000' }, { PORT: '9001' }).PORT).toBe(9001);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PLATFORM_MODE: 'cluster' }, 'PLATFORM_MODE'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ EDC_SERVICE_URL: 'not a url' }, 'EDC_SERVICE_URL'],
    [{ DB_POOL_MIN: '20', DB_POOL_MAX: '10' }, 'DB_POOL_MIN'],
    [{ BODY_LIMIT: 'huge' }, 'BODY_LIMIT'],
  ])('refuses %j with a message naming %s', (env, variable) => {
    expect(() => loadPlatformConfig(env)).toThrow(ConfigurationError);
    expect(() => loadPlatformConfig(env)).toThrow(new RegExp(`${variable}=`));
  });
});

describe('loadPlatformConfig in production', () => {
  it('refuses to start with the development JWT secret or none', () => {
    expect(() => loadPlatformConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is missing/);
    expect(loadPlatformConfig({}).JWT_SECRET).toBeUndefined();
  });

  it('refuses a short secret in any mode', () => {
    expect(() => loadPlatformConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET=\(hidden\): JWT_SECRET must be 32 to 512/);
  });

  it('refuses a CORS wildcard', () => {
    expect(() => loadPlatformConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('refuses to start without a secret for audit anchors', () => {
    expect(() => loadPlatformConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(/AUDIT_ANCHOR_SECRET is missing/);
  });

  it('starts with real secrets', () => {
    expect(loadPlatformConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), AUDIT_ANCHOR_SECRET: 'y'.repeat(40) }).NODE_ENV).toBe('production');
  });
});
