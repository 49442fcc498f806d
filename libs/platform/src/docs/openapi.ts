import { STATUS_CODES } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, getSchemaPath, type OpenAPIObject, type ResponseObject, SwaggerModule } from '@nestjs/swagger';
import { ApiErrorBody } from '../errors/api-error.js';
import { API_TAGS, NOT_RATE_LIMITED, RETRY_AFTER_HEADER } from './responses.js';

export * from './responses.js';

export const PLATFORM_API_TITLE = 'Clinical-trial data platform API';
export const PLATFORM_API_VERSION = '1.0';

type Operation = Record<string, unknown> & {
  description?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, ResponseObject>;
  'x-public'?: boolean;
  'x-roles'?: string[];
  [NOT_RATE_LIMITED]?: boolean;
};

function errorResponse(description: string, retryAfter = false): ResponseObject {
  return {
    description,
    ...(retryAfter ? { headers: RETRY_AFTER_HEADER } : {}),
    content: { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorBody) } } },
  };
}

/**
 * The error answers every route shares, by what the route takes and who may call it. A route's
 * own decorators (`ApiError`) come first: their more precise description is kept.
 */
const COMMON_ERRORS = {
  validation: errorResponse('A parameter or the body is refused: `details` names each field and its problems (also a body that is not valid JSON or is nested deeper than 32 levels)'),
  unauthenticated: errorResponse('No bearer token, or one that is invalid, expired or whose session has ended'),
  forbidden: errorResponse('Signed in without one of the roles this route needs'),
  tooLarge: errorResponse('The body is larger than BODY_LIMIT'),
  notJson: errorResponse('The body is not JSON: send it with Content-Type: application/json'),
  rateLimited: errorResponse('Too many requests from this client address or user (the gateway\'s rate limits)', true),
  unavailable: errorResponse('The database is unavailable or not answering, or the request took longer than REQUEST_TIMEOUT_MS; nothing was stored', true),
};

/**
 * Every route's auth requirement (from the @Public and @Roles decorators) and the error answers it
 * shares with others, in the OpenAPI document: run on each process's own document, so the split
 * gateway's merge publishes what all-in-one mode does.
 */
export function describeOperations(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as Operation[]) {
      if (typeof operation !== 'object' || operation === null) continue;
      const roles = operation['x-roles'];
      const isPublic = operation['x-public'] === true;
      if (isPublic) {
        operation.security = [];
        operation.description = 'Public: no token needed.';
      } else {
        operation.security = [{ bearer: [] }];
        operation.description = roles ? `Requires a bearer token and one of the roles: ${roles.join(', ')}.` : 'Requires a bearer token (any role).';
      }
      const responses: Record<string, ResponseObject> = { ...operation.responses };
      const add = (status: number, response: ResponseObject) => (responses[status] ??= response);
      if (operation.requestBody || operation.parameters?.length) add(400, COMMON_ERRORS.validation);
      if (!isPublic) add(401, COMMON_ERRORS.unauthenticated);
      if (roles) add(403, COMMON_ERRORS.forbidden);
      if (operation.requestBody) {
        add(413, COMMON_ERRORS.tooLarge);
        add(415, COMMON_ERRORS.notJson);
      }
      if (operation[NOT_RATE_LIMITED] !== false) add(429, COMMON_ERRORS.rateLimited);
      add(503, COMMON_ERRORS.unavailable);
      operation.responses = Object.fromEntries(
        Object.entries(responses)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([status, response]) => [status, { ...response, description: response.description || (STATUS_CODES[status] ?? status) }]),
      );
    }
  }
  return document;
}

/** The document's head: the platform's title and version, bearer auth, and the feature tags. `servedBy` names the process. */
export function baseDocument(servedBy: string): Omit<OpenAPIObject, 'paths'> {
  const builder = new DocumentBuilder()
    .setTitle(PLATFORM_API_TITLE)
    .setDescription(
      'Capture, read and audit clinical-trial data. Sign in with POST /security/auth/login, then send ' +
        'Authorization: Bearer <access_token>. Every error has one body, `ApiErrorBody`. ' +
        `This document is served by the ${servedBy}.`,
    )
    .setVersion(PLATFORM_API_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer');
  for (const [name, description] of Object.entries(API_TAGS)) builder.addTag(name, description);
  return builder.build();
}

/** The document of the routes this process serves. */
export function processDocument(app: INestApplication, servedBy: string): OpenAPIObject {
  return describeOperations(
    SwaggerModule.createDocument(app, baseDocument(servedBy), {
      // Referenced by every error answer, also where no decorator names it.
      extraModels: [ApiErrorBody],
      // A route without a feature tag should show as such, not under its controller's class name.
      autoTagControllers: false,
    }),
  );
}

/** Swagger UI would otherwise send the document's URL to an outside validator for its badge. */
const NO_VALIDATOR = { validatorUrl: null };

/** `/docs` (UI) and `/docs-json` for the routes this process serves. */
export function serveOwnDocs(app: INestApplication, servedBy: string): void {
  const document = processDocument(app, servedBy);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: NO_VALIDATOR });
}

/** Served by every process at its own root; through the gateway only the gateway's own are documented, as in all-in-one mode. */
const PROCESS_PATHS = new Set(['/metrics']);

/**
 * Split-mode gateway: `/docs-json` holds the gateway's own routes (health, metrics) and each
 * service's document under its prefix, merged when asked (so it follows the services as they are
 * deployed), and `/docs` shows it.
 */
export function serveMergedDocs(app: NestExpressApplication, servedBy: string, services: Array<{ prefix: string; url: string }>): void {
  let own: OpenAPIObject | undefined;
  app.use('/docs-json', (_request: Request, response: Response, next: NextFunction) => {
    own ??= processDocument(app, servedBy);
    mergeServiceDocs(own, services).then((document) => response.json(document), next);
  });
  // The UI embeds the document it is set up with unless given a non-empty one; `spec: {}` makes it load `/docs-json` instead.
  SwaggerModule.setup('docs', app, { ...baseDocument(servedBy), paths: {} }, { raw: false, swaggerOptions: { ...NO_VALIDATOR, url: '/docs-json', spec: {} } });
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
