import type { OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import request from 'supertest';
import { type Mode, type PlatformUnderTest, startPlatform } from '../support/platform.js';

/**
 * The OpenAPI document is complete enough to generate a client from: every route's answers and
 * errors, whole numbers as integers, feature tags, and examples that work on a fresh install. The
 * document is checked against what the platform really answers.
 */

const TITLE = 'Clinical-trial data platform API';
const KNOWN_TAGS = [
  'vitals', 'patients', 'studies', 'adverse events', 'corrections', 'locks and signatures', 'casebook', 'data generation',
  'quality', 'analytics', 'auth', 'users', 'audit trail', 'health', 'metrics',
];
const ERROR_SCHEMA = '#/components/schemas/ApiErrorBody';
const ERROR_FIELDS = ['statusCode', 'error', 'message', 'details', 'requestId', 'path', 'timestamp'];
/** Fields the code treats as whole numbers (validated with IsInt, or counted). */
const INTEGER_FIELDS = [
  'SystolicBP', 'DiastolicBP', 'HeartRate', 'RespiratoryRate',
  'systolic_bp', 'diastolic_bp', 'heart_rate', 'respiratory_rate',
  'limit', 'offset', 'total',
  'severity_grade', 'planned_day', 'window_before', 'window_after', 'allocation_ratio', 'birth_year', 'age', 'study_day',
  'records_stored', 'records_received', 'records_already_stored', 'patients_created',
  'position', 'events_checked', 'pending', 'seq', 'chain_position', 'statusCode', 'expires_in', 'refresh_expires_in',
];
/**
 * The only fields that may hold fractions: a repair's `old` and `new` are values of any vital sign,
 * temperatures too; data generation takes rates, an effect size and jitter, and compares datasets
 * with means, SDs and distances.
 */
const FRACTIONAL_FIELDS = [
  'Temperature', 'temperature', 'height_cm', 'weight_kg', 'old', 'new',
  'min', 'max', 'hard_min', 'hard_max', 'max_change', 'k',
  'missing_rate', 'dropout_rate', 'serious_rate', 'out_of_range', 'swapped_bp', 'unit_flip', 'typo', 'duplicate_visit', 'arm_switch', 'scaling',
  'target_effect', 'jitter',
  'mean', 'sd', 'mean_difference', 'sd_ratio', 'ks_d', 'ks_p_value', 'max_absolute_difference',
  'median_age_days', 'max_age_days', 'median_days_to_close',
  // Statistics: quartiles, tests and their intervals, ANCOVA, response rates and risk indicators.
  'median', 'q1', 'q3', 'difference', 'se', 'df', 't', 'z', 'f', 'ci_lower', 'ci_upper', 'p_value', 'confidence',
  'adjusted_mean', 'covariate_mean', 'mean_x', 'mean_y', 'mse', 'sse', 'slope', 'slope_se', 'slope_t', 'slope_p_value',
  'cr', 'pr', 'pd', 'orr', 'orr_ci_lower', 'orr_ci_upper', 'query_rate_per_100', 'out_of_range_rate_per_100', 'threshold', 'value',
];

type Schema = SchemaObject | ReferenceObject;

interface Operation {
  /** `METHOD /path` as the document names it. */
  route: string;
  operation: OperationObject & { 'x-public'?: boolean; 'x-roles'?: string[] };
}

function operationsOf(document: OpenAPIObject): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'patch', 'delete'] as const)
      .filter((method) => item[method])
      .map((method) => ({ route: `${method.toUpperCase()} ${path}`, operation: item[method] as Operation['operation'] })),
  );
}

function resolve(document: OpenAPIObject, schema: Schema): SchemaObject {
  // A described reference is written `allOf: [{ $ref }]`.
  if (!('$ref' in schema)) return schema.allOf?.length === 1 ? { ...resolve(document, schema.allOf[0]), nullable: schema.nullable } : schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const found = document.components?.schemas?.[name];
  if (!found) throw new Error(`the document has no schema ${schema.$ref}`);
  return resolve(document, found);
}

/** Every named property (and parameter) of the document with its schema, nested ones too. */
function namedSchemas(document: OpenAPIObject): Array<{ where: string; name: string; schema: SchemaObject }> {
  const found: Array<{ where: string; name: string; schema: SchemaObject }> = [];
  const walk = (where: string, schema: Schema | undefined): void => {
    if (!schema || '$ref' in schema) return;
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!('$ref' in property)) found.push({ where, name, schema: property });
      walk(`${where}.${name}`, property);
    }
    walk(`${where}[]`, schema.items);
    if (typeof schema.additionalProperties === 'object') walk(`${where}{}`, schema.additionalProperties);
  };
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) walk(name, schema);
  for (const { route, operation } of operationsOf(document)) {
    for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
      if (parameter.schema && !('$ref' in parameter.schema)) found.push({ where: route, name: parameter.name, schema: parameter.schema });
    }
  }
  return found;
}

/** What in `value` the schema does not allow (missing or unknown properties, wrong types); empty when it conforms. */
function problemsOf(document: OpenAPIObject, value: unknown, schema: Schema, at = 'body'): string[] {
  const resolved = resolve(document, schema);
  if (value === null) return resolved.nullable ? [] : [`${at} is null`];
  switch (resolved.type) {
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at} is not an integer: ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at} is not a number`];
    case 'string':
      return typeof value === 'string' ? [] : [`${at} is not a string`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at} is not a boolean`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, index) => problemsOf(document, item, resolved.items ?? {}, `${at}[${index}]`)) : [`${at} is not an array`];
    default: {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is not an object`];
      const record = value as Record<string, unknown>;
      const properties = resolved.properties ?? {};
      if (!resolved.properties) return [];
      return [
        ...(resolved.required ?? []).filter((name) => !(name in record)).map((name) => `${at}.${name} is missing`),
        ...Object.entries(record).flatMap(([name, item]) =>
          properties[name] ? problemsOf(document, item, properties[name], `${at}.${name}`) : [`${at}.${name} is not documented`],
        ),
      ];
    }
  }
}

function documentedBody(document: OpenAPIObject, path: string, method: string, status: number): Schema {
  const operation = (document.paths[path] as Record<string, OperationObject>)[method];
  const response = operation.responses[status] as ResponseObject | undefined;
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no JSON body for ${status}`);
  return schema;
}

function expectConforms(document: OpenAPIObject, response: request.Response, path: string, method: string): void {
  const problems = problemsOf(document, response.body, documentedBody(document, path, method, response.status));
  expect({ route: `${method.toUpperCase()} ${path}`, status: response.status, problems }).toEqual({ route: `${method.toUpperCase()} ${path}`, status: response.status, problems: [] });
}

describe.each<Mode>(['all-in-one', 'split'])('the OpenAPI document at /docs-json (%s mode)', (mode) => {
  let platform: PlatformUnderTest;
  let document: OpenAPIObject;
  let operations: Operation[];

  beforeAll(async () => {
    platform = await startPlatform(mode);
    document = (await request(platform.baseUrl).get('/docs-json').expect(200)).body as OpenAPIObject;
    operations = operationsOf(document);
  });
  afterAll(() => platform?.close());

  it('names the platform in its title, has a version, and tags every route with one of the features', () => {
    expect(document.info.title).toBe(TITLE);
    expect(document.info.version).toMatch(/^\d+(\.\d+)*$/);
    expect(operations.length).toBeGreaterThan(20);
    expect((document.tags ?? []).map((tag) => tag.name).sort()).toEqual([...KNOWN_TAGS].sort());
    const untagged = operations.filter(({ operation }) => !operation.tags?.length || operation.tags.some((tag) => !KNOWN_TAGS.includes(tag)));
    expect(untagged.map(({ route, operation }) => `${route} ${JSON.stringify(operation.tags)}`)).toEqual([]);
    const tagOf = (route: string) => operations.find((candidate) => candidate.route === route)?.operation.tags;
    expect(tagOf('POST /edc/store-vitals')).toEqual(['vitals']);
    expect(tagOf('GET /edc/patients/{subjectId}/vitals')).toEqual(['vitals']);
    expect(tagOf('GET /edc/patients')).toEqual(['patients']);
    expect(tagOf('POST /security/auth/login')).toEqual(['auth']);
    expect(tagOf('PATCH /security/users/{id}')).toEqual(['users']);
    expect(tagOf('GET /security/audit/verify')).toEqual(['audit trail']);
    expect(tagOf('GET /health')).toEqual(['health']);
    expect(tagOf('GET /edc/health')).toEqual(['health']);
    expect(tagOf('GET /metrics')).toEqual(['metrics']);
  });

  it('gives every route a unique operation id that a client generator can use as a name', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id ?? ''))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents a success answer with a body schema for every route, or an explicit 204 without a body', () => {
    const missing = operations.filter(({ operation }) => {
      const successes = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      return (
        successes.length === 0 ||
        successes.some(([status, response]) => {
          const content = (response as ResponseObject).content;
          if (status === '204') return content !== undefined;
          return !content || Object.values(content).some((media) => !media.schema);
        })
      );
    });
    expect(missing.map(({ route, operation }) => `${route} ${JSON.stringify(operation.responses)}`)).toEqual([]);
    const undescribed = operations.flatMap(({ route, operation }) =>
      Object.entries(operation.responses).filter(([, response]) => !(response as ResponseObject).description).map(([status]) => `${route} ${status}`),
    );
    expect(undescribed).toEqual([]);
    const statusOf = (route: string) => Object.keys(operations.find((candidate) => candidate.route === route)!.operation.responses).filter((status) => status.startsWith('2'));
    expect(statusOf('POST /edc/store-vitals')).toEqual(['201']);
    expect(statusOf('POST /security/auth/logout')).toEqual(['204']);
    expect(statusOf('POST /security/users/{id}/reset-password')).toEqual(['204']);
  });

  it('documents 401 on every route that needs a token and 403 on every route that needs a role, in the one shared error schema', () => {
    const schemaOf = (operation: OperationObject, status: number) => (operation.responses[status] as ResponseObject | undefined)?.content?.['application/json']?.schema;
    const signedIn = operations.filter(({ operation }) => !operation['x-public']);
    expect(signedIn.length).toBeGreaterThan(15);
    expect(signedIn.filter(({ operation }) => !('$ref' in (schemaOf(operation, 401) ?? {}))).map(({ route }) => route)).toEqual([]);
    for (const { operation } of signedIn) expect(schemaOf(operation, 401)).toEqual({ $ref: ERROR_SCHEMA });
    const withRoles = operations.filter(({ operation }) => operation['x-roles']);
    // Only sign-out and "me" are open to every signed-in user, so they cannot answer 403.
    expect(signedIn.filter(({ operation }) => !operation['x-roles']).map(({ route }) => route).sort()).toEqual(['GET /security/auth/me', 'POST /security/auth/logout']);
    for (const { operation } of withRoles) expect(schemaOf(operation, 403)).toEqual({ $ref: ERROR_SCHEMA });
    const publicRoutes = operations.filter(({ operation }) => operation['x-public']);
    for (const { route, operation } of publicRoutes) expect({ route, documents403: '403' in operation.responses }).toEqual({ route, documents403: false });

    // Every error answer but a health check's 503 (which keeps Terminus's body) is the one error schema, referenced.
    for (const { route, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400 || operation.tags?.includes('health')) continue;
        expect({ route, status, content: (response as ResponseObject).content }).toEqual({ route, status, content: { 'application/json': { schema: { $ref: ERROR_SCHEMA } } } });
      }
    }
    const errorSchema = document.components!.schemas!.ApiErrorBody as SchemaObject;
    expect(Object.keys(errorSchema.properties!).sort()).toEqual([...ERROR_FIELDS].sort());
    expect(errorSchema.required?.sort()).toEqual(['error', 'message', 'path', 'statusCode', 'timestamp']);
  });

  it('documents 400 where a route takes input, 413 and 415 where it takes a body, 404 and 409 where they can happen, and 429 and 503 with Retry-After', () => {
    for (const { route, operation } of operations) {
      const statuses = Object.keys(operation.responses);
      const takesInput = Boolean(operation.requestBody) || (operation.parameters?.length ?? 0) > 0;
      expect({ route, documents400: statuses.includes('400') }).toEqual({ route, documents400: takesInput });
      if (operation.requestBody) expect({ route, statuses }).toEqual({ route, statuses: expect.arrayContaining(['413', '415']) });
      expect({ route, documents503: statuses.includes('503') }).toEqual({ route, documents503: true });
      // The gateway's rate limits leave the health checks alone.
      expect({ route, documents429: statuses.includes('429') }).toEqual({ route, documents429: !operation.tags?.includes('health') });
      for (const status of ['429', '503']) {
        if (statuses.includes(status) && !operation.tags?.includes('health')) {
          expect({ route, status, headers: (operation.responses[status] as ResponseObject).headers }).toEqual({
            route,
            status,
            headers: { 'Retry-After': expect.objectContaining({ schema: expect.objectContaining({ type: 'integer' }) }) },
          });
        }
      }
    }
    const statusesOf = (route: string) => Object.keys(operations.find((candidate) => candidate.route === route)!.operation.responses);
    expect(statusesOf('GET /edc/patients/{subjectId}')).toEqual(expect.arrayContaining(['404', '409']));
    expect(statusesOf('GET /edc/patients/{subjectId}/vitals')).toEqual(expect.arrayContaining(['404', '409']));
    expect(statusesOf('POST /edc/store-vitals')).toEqual(expect.arrayContaining(['409']));
    expect(statusesOf('POST /security/users')).toEqual(expect.arrayContaining(['409']));
    expect(statusesOf('PATCH /security/users/{id}')).toEqual(expect.arrayContaining(['404', '409']));
    expect(statusesOf('POST /security/auth/login')).toEqual(expect.arrayContaining(['401', '429']));
    expect(statusesOf('GET /health')).toEqual(['200', '503']);
  });

  it('types whole-number fields as integer in requests and answers; only temperatures, heights, weights, rates and statistics are fractional', () => {
    const named = namedSchemas(document);
    for (const field of INTEGER_FIELDS) {
      const occurrences = named.filter(({ name }) => name === field);
      expect({ field, documented: occurrences.length > 0 }).toEqual({ field, documented: true });
      for (const { where, schema } of occurrences) expect({ where, field, type: schema.type }).toEqual({ where, field, type: 'integer' });
    }
    const fractional = named.filter(({ schema }) => schema.type === 'number').map(({ name }) => name);
    expect([...new Set(fractional)].sort()).toEqual([...FRACTIONAL_FIELDS].sort());
  });

  it("answers as documented: the store-vitals example works on a fresh install, and real bodies (errors included) match their schemas", async () => {
    const storeVitals = document.paths['/edc/store-vitals'].post!;
    const example = (storeVitals.requestBody as { content: Record<string, { examples: Record<string, { value: unknown }> }> }).content['application/json'].examples['first store'].value;
    expect(example).toEqual({
      records: [{ SubjectID: 'RA001-001', VisitName: 'Screening', TreatmentArm: 'Active', SystolicBP: 125, DiastolicBP: 80, HeartRate: 72, Temperature: 36.8 }],
    });
    const stored = await platform.admin.post('/edc/store-vitals').send(example as object).expect(201);
    expect(stored.body).toMatchObject({ records_stored: 1, records_received: 1, records_already_stored: 0, patients_created: 1 });
    const storedSchema = resolve(document, documentedBody(document, '/edc/store-vitals', 'post', 201));
    expect(Object.keys(stored.body).sort()).toEqual(Object.keys(storedSchema.properties!).sort());
    expectConforms(document, stored, '/edc/store-vitals', 'post');

    const invalid = await platform.admin.post('/edc/store-vitals').send({ records: [{ ...(example as { records: object[] }).records[0], SystolicBP: 301 }] }).expect(400);
    expect(Object.keys(invalid.body).sort()).toEqual([...ERROR_FIELDS].sort());
    expectConforms(document, invalid, '/edc/store-vitals', 'post');

    const subjectParameter = ((document.paths['/edc/patients/{subjectId}'].get!.parameters ?? []) as ParameterObject[]).find((parameter) => parameter.name === 'subjectId')!;
    const subject = (subjectParameter.schema as SchemaObject).example as string;
    expect(subject).toBe('RA001-001');
    const vitals = await platform.admin.get(`/edc/patients/${subject}/vitals`).expect(200);
    expect(vitals.body.vitals).toHaveLength(1);
    expectConforms(document, vitals, '/edc/patients/{subjectId}/vitals', 'get');
    expectConforms(document, await platform.admin.get(`/edc/patients/${subject}`).expect(200), '/edc/patients/{subjectId}', 'get');
    expectConforms(document, await platform.admin.get('/edc/patients?limit=20&offset=0').expect(200), '/edc/patients', 'get');
    expectConforms(document, await platform.admin.get('/edc/patients/NOBODY-1').expect(404), '/edc/patients/{subjectId}', 'get');

    const createUser = document.paths['/security/users'].post!;
    const newUser = (createUser.requestBody as { content: Record<string, { examples: Record<string, { value: unknown }> }> }).content['application/json'].examples['site nurse'].value;
    const created = await platform.admin.post('/security/users').send(newUser as object).expect(201);
    expectConforms(document, created, '/security/users', 'post');
    expectConforms(document, await platform.admin.post('/security/users').send(newUser as object).expect(409), '/security/users', 'post');
    expectConforms(document, await platform.admin.get('/security/users').expect(200), '/security/users', 'get');
    expectConforms(document, await platform.admin.get('/security/auth/me').expect(200), '/security/auth/me', 'get');
    expectConforms(document, await request(platform.baseUrl).get('/security/auth/me').expect(401), '/security/auth/me', 'get');
    const nurse = await request(platform.baseUrl).post('/security/auth/login').send({ username: 'site1.nurse', password: 'a-long-passphrase-2026' }).expect(200);
    expectConforms(document, nurse, '/security/auth/login', 'post');
    const validated = await request(platform.baseUrl).post('/security/auth/validate').send({ token: nurse.body.access_token }).expect(200);
    expectConforms(document, validated, '/security/auth/validate', 'post');
    const refused = await request(platform.baseUrl).get('/security/users').set('Authorization', `Bearer ${nurse.body.access_token}`).expect(403);
    expectConforms(document, refused, '/security/users', 'get');

    const events = await platform.admin.get('/security/audit/events').query({ subject }).expect(200);
    expect(events.body.data.length).toBeGreaterThan(0);
    expectConforms(document, events, '/security/audit/events', 'get');
    const anchor = await platform.admin.get('/security/audit/anchor').expect(200);
    expectConforms(document, anchor, '/security/audit/anchor', 'get');
    expectConforms(document, await platform.admin.get('/security/audit/verify').expect(200), '/security/audit/verify', 'get');
    expectConforms(document, await platform.admin.post('/security/audit/verify').send({ anchors: [anchor.body] }).expect(200), '/security/audit/verify', 'post');
    expectConforms(document, await request(platform.baseUrl).get('/health').expect(200), '/health', 'get');
  });
});
