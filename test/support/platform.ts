import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { gatewayAppSpec } from '../../apps/api-gateway/src/gateway-app.js';
import { SERVICES } from '../../apps/api-gateway/src/services.js';
import { loadPlatformConfig, type PlatformConfig } from '../../libs/config/src/index.js';
import { RedisCacheBackend } from '../../libs/database/src/index.js';
import { type AppSpec, createPlatformApp, serviceAppSpec } from '../../libs/platform/src/index.js';
import { asUser, type Client, login, TEST_ADMIN_PASSWORD } from './auth.js';
import { serversFromEnv } from './servers.js';
import { createTestDatabase, type TestDatabase, uniqueCachePrefix } from './test-database.js';

export type Mode = 'all-in-one' | 'split' | 'embedded';

/** A running platform for one test file: the URL a client uses, plus handles for white-box checks. */
export interface PlatformUnderTest {
  mode: Mode;
  /** Where clients talk to the platform (the gateway). */
  baseUrl: string;
  /** Split mode: each service's own URL, by prefix (`edc`, ...). */
  serviceUrls: Record<string, string>;
  database?: TestDatabase;
  apps: INestApplication[];
  /** Signed in as the first admin. */
  admin: Client;
  close(): Promise<void>;
}

async function withAdmin(platform: Omit<PlatformUnderTest, 'admin'>): Promise<PlatformUnderTest> {
  try {
    const session = await login(platform.baseUrl, 'admin', TEST_ADMIN_PASSWORD);
    return { ...platform, admin: asUser(platform.baseUrl, session.accessToken) };
  } catch (error) {
    await platform.close();
    throw error;
  }
}

type Settings = Record<string, string | undefined>;

/** Sign the audit anchors and access tokens of every test platform (a test that forges or checks them knows them). */
export const TEST_ANCHOR_SECRET = 'test-only-audit-anchor-secret-of-40-chars';
export const TEST_JWT_SECRET = 'test-only-jwt-secret-that-is-long-enough-1';

/** Never the machine's environment: every setting a test app sees is listed here. */
function testConfig(settings: Settings): PlatformConfig {
  return loadPlatformConfig({}, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DB_POOL_MIN: '1',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    AUDIT_ANCHOR_SECRET: TEST_ANCHOR_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    ...settings,
  });
}

async function listen(spec: AppSpec, config: PlatformConfig): Promise<{ app: INestApplication; url: string }> {
  const app = await createPlatformApp(spec, config);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    // Start-up hooks can fail after the database (maybe an embedded server) was opened.
    await app.close();
    throw error;
  }
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

async function closeAll(apps: INestApplication[]): Promise<void> {
  for (const app of [...apps].reverse()) await app.close();
}

/** Removes this run's Redis keys once every app is closed (some are written up to the last moment). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new RedisCacheBackend({ url: redisUrl, commandTimeoutMs: 5_000 });
  try {
    await redis.firstConnection();
    await redis.deletePattern(`${prefix}*`);
  } finally {
    await redis.close();
  }
}

export interface StartOptions {
  /** Where the services reach the database, given where it is (e.g. through a proxy that can hang). */
  serviceDatabaseUrl?: (url: string) => string;
}

export async function startPlatform(mode: Mode, settings: Settings = {}, options: StartOptions = {}): Promise<PlatformUnderTest> {
  if (mode === 'embedded') return startEmbeddedDefault(settings);
  const database = await createTestDatabase();
  const prefix = uniqueCachePrefix();
  const redisUrl = serversFromEnv().redisUrl;
  const shared: Settings = { DATABASE_URL: options.serviceDatabaseUrl?.(database.url) ?? database.url, DATABASE_MIGRATION_URL: database.migrationUrl, REDIS_URL: redisUrl, CACHE_KEY_PREFIX: prefix, ...settings };
  const apps: INestApplication[] = [];
  const close = async () => {
    await closeAll(apps);
    await deleteKeys(redisUrl, prefix);
    await database.drop();
  };
  try {
    if (mode === 'all-in-one') {
      const config = testConfig({ ...shared, PLATFORM_MODE: 'all-in-one' });
      const gateway = await listen(gatewayAppSpec(config), config);
      apps.push(gateway.app);
      return withAdmin({ mode, baseUrl: gateway.url, serviceUrls: {}, database, apps, close });
    }
    const serviceUrls: Record<string, string> = {};
    const urlSettings: Settings = {};
    for (const service of SERVICES) {
      const config = testConfig(shared);
      const started = await listen(serviceAppSpec(service), config);
      apps.push(started.app);
      serviceUrls[service.prefix] = started.url;
      urlSettings[service.urlVariable] = started.url;
    }
    const gatewayConfig = testConfig({ ...shared, ...urlSettings, PLATFORM_MODE: 'split' });
    const gateway = await listen(gatewayAppSpec(gatewayConfig), gatewayConfig);
    apps.push(gateway.app);
    return withAdmin({ mode, baseUrl: gateway.url, serviceUrls, database, apps, close });
  } catch (error) {
    await close();
    throw error;
  }
}

/** Nothing configured, as a new user runs it: embedded PostgreSQL (in a temp folder) and in-process cache. */
async function startEmbeddedDefault(settings: Settings): Promise<PlatformUnderTest> {
  const folder = await mkdtemp(join(tmpdir(), 'ctp-embedded-'));
  await chmod(folder, 0o755);
  const apps: INestApplication[] = [];
  const close = async () => {
    await closeAll(apps);
    await rm(folder, { recursive: true, force: true });
  };
  const config = testConfig({ EMBEDDED_DB_DIR: folder, ...settings });
  const gateway = await listen(gatewayAppSpec(config), config);
  apps.push(gateway.app);
  return withAdmin({ mode: 'embedded', baseUrl: gateway.url, serviceUrls: {}, apps, close });
}
