import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

type Operation = Record<string, unknown> & { description?: string; security?: unknown[]; 'x-public'?: boolean; 'x-roles'?: string[] };

/** Every route's auth requirement, from the @Public and @Roles decorators, in the OpenAPI document. */
export function describeAuth(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as Operation[]) {
      if (typeof operation !== 'object' || operation === null) continue;
      const roles = operation['x-roles'];
      if (operation['x-public']) {
        operation.security = [];
        operation.description = 'Public: no token needed.';
      } else {
        operation.security = [{ bearer: [] }];
        operation.description = roles ? `Requires a bearer token and one of the roles: ${roles.join(', ')}.` : 'Requires a bearer token (any role).';
      }
    }
  }
  return document;
}

export function baseDocument(title: string): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle(title)
    .setDescription('Clinical-trial data platform. Sign in with POST /security/auth/login, then send Authorization: Bearer <access_token>.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
}

/** Swagger UI would otherwise send the document's URL to an outside validator for its badge. */
const NO_VALIDATOR = { validatorUrl: null };

/** `/docs` (UI) and `/docs-json` for the routes this process serves. */
export function serveOwnDocs(app: INestApplication, title: string): void {
  const document = describeAuth(SwaggerModule.createDocument(app, baseDocument(title)));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: NO_VALIDATOR });
}

/** Served by every process at its own root; through the gateway only the gateway's own are documented, as in all-in-one mode. */
const PROCESS_PATHS = new Set(['/metrics']);

/**
 * Split-mode gateway: `/docs-json` holds the gateway's own routes (health, metrics) and each
 * service's document under its prefix, merged when asked (so it follows the services as they are
 * deployed), and `/docs` shows it.
 */
export function serveMergedDocs(app: NestExpressApplication, title: string, services: Array<{ prefix: string; url: string }>): void {
  let own: OpenAPIObject | undefined;
  app.use('/docs-json', (_request: Request, response: Response, next: NextFunction) => {
    own ??= describeAuth(SwaggerModule.createDocument(app, baseDocument(title)));
    mergeServiceDocs(own, services).then((document) => response.json(document), next);
  });
  // The UI embeds the document it is set up with unless given a non-empty one; `spec: {}` makes it load `/docs-json` instead.
  SwaggerModule.setup('docs', app, { ...baseDocument(title), paths: {} }, { raw: false, swaggerOptions: { ...NO_VALIDATOR, url: '/docs-json', spec: {} } });
}

async function mergeServiceDocs(own: OpenAPIObject, services: Array<{ prefix: string; url: string }>): Promise<OpenAPIObject> {
  const merged: OpenAPIObject = { ...own, paths: { ...own.paths } };
  const schemas: Record<string, unknown> = {};
  for (const service of services) {
    try {
      const response = await fetch(new URL('/docs-json', service.url), { signal: AbortSignal.timeout(3_000) });
      const document = (await response.json()) as OpenAPIObject;
      for (const [path, item] of Object.entries(document.paths)) {
        if (!PROCESS_PATHS.has(path)) merged.paths[`/${service.prefix}${path}`] = item;
      }
      Object.assign(schemas, document.components?.schemas);
    } catch {
      merged.paths[`/${service.prefix}`] = { description: `${service.prefix} is unreachable; its routes are missing from this document` };
    }
  }
  merged.components = { ...merged.components, schemas: { ...merged.components?.schemas, ...(schemas as NonNullable<OpenAPIObject['components']>['schemas']) } };
  return merged;
}
