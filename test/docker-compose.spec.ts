import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { GATEWAY_NAME, GATEWAY_PORT } from '../apps/api-gateway/src/gateway-app.js';
import { SERVICES } from '../apps/api-gateway/src/services.js';
import { CONFIG_VARIABLES, loadPlatformConfig } from '../libs/config/src/index.js';

/** Docker cannot run here, so the compose file is checked against the code's own configuration. */
interface ComposeService {
  build?: { args?: Record<string, string> };
  ports?: string[];
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const apps = [{ name: GATEWAY_NAME, defaultPort: GATEWAY_PORT }, ...SERVICES];

/** `${JWT_SECRET:?...}` is filled in by the operator's shell when compose runs; stand in for it. */
function withOperatorValues(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, /^\$\{\w+:-\}$/.test(value) ? '' : value.startsWith('${') ? 'o'.repeat(40) : value]),
  );
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL 15 and Redis 7 with health checks, a volume, and AOF persistence for Redis', () => {
    const { postgres, redis } = compose.services as Record<string, ComposeService & { image: string; command?: string[]; volumes?: string[] }>;
    expect(postgres.image).toBe('postgres:15');
    expect(postgres.healthcheck).toBeDefined();
    expect(postgres.volumes?.length).toBeGreaterThan(0);
    expect(redis.image).toBe('redis:7');
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.healthcheck).toBeDefined();
  });

  it.each(apps.map((app) => [app.name, app.defaultPort] as const))('runs %s from its own build on port %i', (name, port) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service.build?.args?.APP).toBe(name);
    expect(service.environment?.PORT).toBe(String(port));
    expect(service.depends_on?.redis).toEqual({ condition: 'service_healthy' });
  });

  it('publishes only the gateway: the services are reachable on the compose network alone', () => {
    expect(compose.services[GATEWAY_NAME].ports).toEqual([`${GATEWAY_PORT}:${GATEWAY_PORT}`]);
    for (const service of SERVICES) expect(compose.services[service.name].ports).toBeUndefined();
  });

  it("has the services believe X-Forwarded-For from exactly one hop: the gateway's fixed address", () => {
    const networks = compose.services[GATEWAY_NAME].networks as Record<string, { ipv4_address?: string }>;
    const gatewayAddress = networks.platform.ipv4_address;
    expect(gatewayAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(compose.services[GATEWAY_NAME].environment?.TRUST_PROXY).toBe('loopback');
    for (const service of SERVICES) expect(compose.services[service.name].environment?.TRUST_PROXY).toBe(gatewayAddress);
  });

  it('runs the services as the ctp_runtime login and migrations as the schema owner, both made on the first start', () => {
    for (const service of SERVICES) {
      const environment = compose.services[service.name].environment ?? {};
      expect(environment.DATABASE_URL).toMatch(/^postgres:\/\/ctp_app:/);
      expect(environment.DATABASE_MIGRATION_URL).toMatch(/^postgres:\/\/ctp_owner:/);
      expect(environment.AUDIT_ANCHOR_SECRET).toMatch(/^\$\{AUDIT_ANCHOR_SECRET:\?.+\}$/);
    }
    const postgres = compose.services.postgres;
    expect(postgres.volumes).toContain('./database/compose/create-roles.sh:/docker-entrypoint-initdb.d/10-create-roles.sh:ro');
    const script = readFileSync(new URL('../database/compose/create-roles.sh', import.meta.url), 'utf8');
    expect(script).toMatch(/CREATE ROLE ctp_app LOGIN .* IN ROLE ctp_runtime/);
    expect(script).toMatch(/CREATE DATABASE clinical_trials OWNER ctp_owner/);
    expect(script).not.toMatch(/SUPERUSER/);
  });

  it('names only variables the platform reads, with values its config accepts', () => {
    for (const name of apps.map((app) => app.name)) {
      const environment = compose.services[name].environment ?? {};
      for (const variable of Object.keys(environment)) expect(CONFIG_VARIABLES).toContain(variable);
      expect(() => loadPlatformConfig(withOperatorValues(environment))).not.toThrow();
    }
  });

  it('starts the gateway in split mode, pointing at every service by its compose host name and port', () => {
    const gateway = compose.services[GATEWAY_NAME];
    expect(gateway.environment?.PLATFORM_MODE).toBe('split');
    for (const service of SERVICES) {
      expect(gateway.environment?.[service.urlVariable]).toBe(`http://${service.name}:${service.defaultPort}`);
      expect(gateway.depends_on?.[service.name]).toEqual({ condition: 'service_healthy' });
      // The config's defaults are the compose host names, so the gateway works there unconfigured too.
      expect(loadPlatformConfig({})[service.urlVariable]).toBe(`http://${service.name}:${service.defaultPort}`);
    }
  });

  it('makes the operator supply the JWT secret that production mode requires', () => {
    for (const name of apps.map((app) => app.name)) {
      expect(compose.services[name].environment?.JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?.+\}$/);
      expect(compose.services[name].environment?.NODE_ENV).toBe('production');
    }
  });

  it('gives the services a database and Redis, waiting for both to be healthy', () => {
    for (const service of SERVICES) {
      const definition = compose.services[service.name];
      expect(definition.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(definition.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(definition.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
      expect(definition.healthcheck).toBeDefined();
    }
  });
});
