import { type DynamicModule, Logger, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigurationError, loadPlatformConfig, type PlatformConfig } from '../../../config/src/index.js';
import { declaredBodySizeLimit } from '../http/body-size.js';
import { jsonOnlyMiddleware } from '../http/json-only.middleware.js';
import { jsonBodyOptions } from '../http/json-depth.js';
import { requestIdMiddleware } from '../../../request-context/src/index.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { requestMetricsMiddleware } from '../metrics/request-metrics.middleware.js';
import { createRootLogger, platformLogger, requestLogger } from '../logging/logging.js';
import { serveOwnDocs } from '../docs/openapi.js';
import { exitAfterShutdownDeadline } from '../deadline/shutdown-deadline.js';
import { PlatformModule } from '../platform.module.js';
import { ensurePortFree } from './port-check.js';
import { securityHeaders } from './security-headers.js';
import type { ServiceDefinition } from '../service-definition.js';

type ModuleImport = Type | DynamicModule;

/** How one process is composed: a service on its own, or the gateway (all-in-one or split). */
export interface AppSpec {
  name: string;
  defaultPort: number;
  imports: ModuleImport[];
  /** TypeORM entities of the services in this process (each service definition lists its own). */
  entities?: readonly Type[];
  /** Without PostgreSQL (the split-mode gateway only forwards). */
  withoutDatabase?: boolean;
  /** Leave request bodies unread (a proxy streams them on). */
  rawBodies?: boolean;
  /** Express-level set-up before Nest's routes, e.g. proxies. */
  beforeRoutes?: (app: NestExpressApplication) => void;
  /** Serves the OpenAPI docs itself (the split gateway merges its services' instead). */
  docs?: 'own' | 'custom';
  /** How this process runs, for the start-up log (the gateway's mode). */
  role?: string;
}

export async function createPlatformApp(spec: AppSpec, config: PlatformConfig): Promise<NestExpressApplication> {
  const logger = await createRootLogger(config, spec.name);
  @Module({
    imports: [PlatformModule.forRoot(config, spec.name, { database: !spec.withoutDatabase, logger, entities: spec.entities }), ...spec.imports],
  })
  class RootModule {}
  Object.defineProperty(RootModule, 'name', { value: `${spec.name}-root` });

  const app = await NestFactory.create<NestExpressApplication>(RootModule, {
    bodyParser: false,
    logger: platformLogger(logger),
    abortOnError: false,
  });
  app.set('trust proxy', config.TRUST_PROXY.split(',').map((entry) => entry.trim()));
  app.disable('x-powered-by');
  // Express hashes every response body for an ETag; clinical reads are not conditionally re-fetched.
  app.disable('etag');
  app.use(securityHeaders());
  if (config.CORS_ORIGINS) {
    app.enableCors({ origin: config.CORS_ORIGINS.split(',').map((origin) => origin.trim()), exposedHeaders: ['x-request-id', 'retry-after'] });
  }
  app.use(requestIdMiddleware);
  // Before any proxy, so requests the split gateway forwards are logged too.
  app.use(requestLogger(logger));
  app.use(requestMetricsMiddleware(app.get(MetricsService)));
  if (spec.rawBodies) app.use(declaredBodySizeLimit(config.BODY_LIMIT));
  spec.beforeRoutes?.(app);
  if (!spec.rawBodies) {
    app.use(jsonOnlyMiddleware);
    app.useBodyParser('json', jsonBodyOptions(config.BODY_LIMIT));
  }
  if (spec.docs !== 'custom') serveOwnDocs(app, `${spec.name} API`);
  app.enableShutdownHooks();
  return app;
}

/** A process's whole `main.ts`: validate config (exit with a clear message when bad), compose, listen. */
export async function runPlatform(buildSpec: (config: PlatformConfig) => AppSpec): Promise<void> {
  let config: PlatformConfig;
  try {
    config = loadPlatformConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      // No configuration to take a log level from: a plain JSON line, then out.
      pino({ base: { service: 'bootstrap' } }).error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = new Logger('Bootstrap');
  const spec = buildSpec(config);
  let app: NestExpressApplication | undefined;
  const port = config.PORT ?? spec.defaultPort;
  try {
    await ensurePortFree(port);
    app = await createPlatformApp(spec, config);
    exitAfterShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS, logger);
    await app.listen(port);
    const address = app.getHttpServer().address();
    const listeningOn = typeof address === 'object' && address ? address.port : port;
    logger.log(`${spec.name} listening on http://localhost:${listeningOn} (${[config.NODE_ENV, spec.role].filter(Boolean).join(', ')})`);
  } catch (error) {
    logger.error(`${spec.name} could not start: ${(error as Error).message}`);
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
}

/** A service running as its own process (split mode): its routes at the root. */
export function serviceAppSpec(service: ServiceDefinition): AppSpec {
  return {
    name: service.name,
    defaultPort: service.defaultPort,
    imports: [service.module],
    entities: service.entities,
    role: 'split mode: one service',
  };
}

export function runService(service: ServiceDefinition): Promise<void> {
  return runPlatform(() => serviceAppSpec(service));
}
