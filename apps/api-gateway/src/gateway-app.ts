import { Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TokenService } from '../../../libs/auth/src/index.js';
import type { PlatformConfig } from '../../../libs/config/src/index.js';
import { CacheService } from '../../../libs/database/src/index.js';
import { type AppSpec, serveMergedDocs, serviceHealthController } from '../../../libs/platform/src/index.js';
import { SplitGatewayHealthModule } from './health/gateway-health.module.js';
import { serviceProxy } from './proxy/service-proxy.js';
import { rateLimitMiddleware } from './rate-limit/rate-limit.middleware.js';
import { SERVICES } from './services.js';

export const GATEWAY_NAME = 'api-gateway';
export const GATEWAY_PORT = 8000;

@Module({ controllers: [serviceHealthController(GATEWAY_NAME)] })
class AllInOneHealthModule {}

/**
 * The gateway process. All-in-one (default): every service module in this process, each under
 * its prefix. Split: forwards each prefix to the service's own process.
 */
export function gatewayAppSpec(config: PlatformConfig): AppSpec {
  const limitRate = (app: NestExpressApplication) =>
    app.use(rateLimitMiddleware(app.get(CacheService), app.get(TokenService), config));
  if (config.PLATFORM_MODE === 'all-in-one') {
    return {
      name: GATEWAY_NAME,
      defaultPort: GATEWAY_PORT,
      role: 'all-in-one: every service in this process',
      beforeRoutes: limitRate,
      entities: SERVICES.flatMap((service) => service.entities ?? []),
      imports: [
        AllInOneHealthModule,
        ...SERVICES.map((service) => service.module),
        RouterModule.register(
          SERVICES.map((service) => ({ path: service.prefix, module: service.module, children: service.features })),
        ),
      ],
    };
  }
  return {
    name: GATEWAY_NAME,
    defaultPort: GATEWAY_PORT,
    role: 'split mode: forwarding to the services',
    withoutDatabase: true,
    rawBodies: true,
    docs: 'custom',
    imports: [SplitGatewayHealthModule],
    beforeRoutes: (app) => {
      const services = SERVICES.map((service) => ({ prefix: service.prefix, url: config[service.urlVariable] }));
      serveMergedDocs(app, `${GATEWAY_NAME} API`, services);
      limitRate(app);
      for (const service of SERVICES) {
        app.use(`/${service.prefix}`, serviceProxy(service, config[service.urlVariable], config.GATEWAY_PROXY_TIMEOUT_MS));
      }
    },
  };
}
