import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamicModule, INestApplication, PipeTransform, Provider, Type } from '@nestjs/common';
import { GUARDS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { APP_PIPE } from '@nestjs/core';
import { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage } from 'class-validator';
import { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { ExportRequestedValue, Topic, validatePayload } from '@cae/contracts';
import { AppModule } from '../app.module';
import { GatewayEnv } from '../config/gateway-env';
import { ContactActivityExportDto } from '../exports/dto/contact-activity-export.dto';
import { DESTINATION_CLASSES } from '../exports/dto/destination.dto';
import { DESTINATION_TYPES } from '../exports/dto/export-options';
import { ExportsController } from '../exports/exports.controller';
import { ExportsService } from '../exports/exports.service';
import { REFERENCE_EXAMPLES } from '../exports/reference-examples';
import { GcsBucketsController } from '../gcs-buckets/gcs-buckets.controller';
import { toFileView, toJobView } from '../jobs/job-view';
import { JobsController } from '../jobs/jobs.controller';
import { authenticate } from '../auth/authenticate.middleware';
import { FailedAuthLimiter } from '../auth/failed-auth-limiter';
import { API_KEY_SCHEME, buildApiDocument, setupApiDocs } from './api-docs';
import { CODES } from './api-exception.filter';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// class-transformer keeps its @Type metadata here (no typings for this path): it names the class of a nested field.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: TransformerMetadata;
};

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const SOURCES = resolve(__dirname, '..');
const JOB_ID = '8c275474-e636-46a5-a139-a8e40af646a3';
/** What the rate-limit guard reads; nothing else of the environment is needed to build the controllers. */
const stubEnv = { RATE_LIMIT_BURST: 1, RATE_LIMIT_PER_SECOND: 1 } as GatewayEnv;

/**
 * @seriousme/openapi-schema-validator is an ES module, which jest's CommonJS runtime cannot load: it runs in a child
 * Node process instead, the document on its stdin.
 */
function validateOpenApi(document: object): { valid: boolean; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    const result = await new Validator().validate(JSON.parse(Buffer.concat(chunks).toString()));
    process.stdout.write(JSON.stringify(result));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    input: JSON.stringify(document),
  });
  return JSON.parse(output.toString());
}

/** Every module the gateway's root module reaches, with the controllers each declares. */
function controllersOf(root: DynamicModule): Type[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Type>();
  const visit = (entry: unknown) => {
    if (!entry || seen.has(entry)) return;
    seen.add(entry);
    const dynamic = typeof entry === 'object' ? (entry as DynamicModule) : undefined;
    const moduleClass = dynamic ? dynamic.module : (entry as Type);
    for (const controller of [
      ...((Reflect.getMetadata('controllers', moduleClass) as Type[] | undefined) ?? []),
      ...(dynamic?.controllers ?? []),
    ])
      controllers.add(controller);
    for (const imported of [
      ...((Reflect.getMetadata('imports', moduleClass) as unknown[] | undefined) ?? []),
      ...(dynamic?.imports ?? []),
    ])
      visit(imported);
  };
  visit(root);
  return [...controllers];
}

/** A `useValue` stub for every constructor dependency of the classes, so that Nest can build them without I/O. */
function stubsFor(classes: Type[]): Provider[] {
  const tokens = new Set<unknown>();
  for (const type of classes) {
    for (const dependency of (Reflect.getMetadata('design:paramtypes', type) as unknown[] | undefined) ?? [])
      tokens.add(dependency);
  }
  return [...tokens].map((token) => ({ provide: token as Type, useValue: token === GatewayEnv ? stubEnv : {} }));
}

function guardsOf(controller: Type): Type[] {
  const methods = Object.getOwnPropertyNames(controller.prototype).map((name) => controller.prototype[name]);
  return [controller, ...methods].flatMap((target) => (Reflect.getMetadata(GUARDS_METADATA, target) as Type[]) ?? []);
}

/** Every `@Body()` or `@Query()` parameter (of `kind`) of the controllers' handlers: its class and its operation. */
function requestParameters(controllers: Type[], kind: RouteParamtypes): { type: Type; operationId: string }[] {
  return controllers.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((method) => {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
        string,
        { index: number; data?: unknown }
      >;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, method) ?? []) as Type[];
      const operation = Reflect.getMetadata('swagger/apiOperation', controller.prototype[method]) as
        { operationId?: string } | undefined;
      return Object.entries(args)
        .filter(([key, arg]) => Number(key.split(':')[0]) === kind && arg.data === undefined)
        .map(([, arg]) => ({
          type: types[arg.index],
          operationId: operation?.operationId ?? `${controller.name}.${method}`,
        }));
    }),
  );
}

const gatewayModule = AppModule.forEnv(stubEnv);
const controllers = controllersOf(gatewayModule);

/** The global pipes exactly as the gateway's root module declares them, in their order (body shape, then DTO). */
const gatewayPipes = (gatewayModule.providers ?? []).flatMap((provider) => {
  const entry = provider as { provide?: unknown; useClass?: Type<PipeTransform>; useFactory?: () => PipeTransform };
  if (entry.provide !== APP_PIPE) return [];
  return [entry.useClass ? new entry.useClass() : entry.useFactory!()];
});

let app: INestApplication;
let document: OpenAPIObject;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    controllers,
    providers: stubsFor([...controllers, ...controllers.flatMap(guardsOf)]),
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  document = buildApiDocument(app);
});

afterAll(async () => {
  await app?.close();
});

const schemaNamed = (name: string): Schema => {
  const schema = document.components?.schemas?.[name];
  if (!schema) throw new Error(`no schema ${name} in the document`);
  return schema as Schema;
};
const refName = (ref: string) => ref.replace('#/components/schemas/', '');
const deref = (schema: Schema): Schema => (schema.$ref ? schemaNamed(refName(schema.$ref)) : schema);

const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Schema>).map(([method, operation]) => ({ path, method, operation })),
  );

/**
 * What is wrong with `value` by the document's own `schema` (the subset of OpenAPI 3.0 schemas the gateway uses).
 * Objects are closed unless they allow additionalProperties: the API refuses unknown fields, and an answer with a
 * field the document does not list is a documentation gap.
 */
function schemaProblems(value: unknown, schema: Schema, path = '$'): string[] {
  const target = deref(schema);
  if (target.allOf) return target.allOf.flatMap((part: Schema) => schemaProblems(value, part, path));
  if (value === null) return target.nullable ? [] : [`${path} is null`];
  if (target.oneOf) {
    const { propertyName, mapping } = target.discriminator ?? {};
    if (propertyName) {
      const ref = mapping?.[String((value as Record<string, unknown>)[propertyName]).toLowerCase()];
      return ref ? schemaProblems(value, { $ref: ref }, path) : [`${path}.${propertyName} maps to no schema`];
    }
    const matching = target.oneOf.filter((part: Schema) => schemaProblems(value, part, path).length === 0);
    return matching.length === 1 ? [] : [`${path} matches ${matching.length} of oneOf`];
  }
  const problems: string[] = [];
  const actual = Array.isArray(value)
    ? 'array'
    : Number.isInteger(value)
      ? 'integer'
      : typeof value === 'number'
        ? 'number'
        : typeof value;
  const type = target.type ?? (target.properties ? 'object' : undefined);
  if (type && !(actual === type || (type === 'number' && actual === 'integer')))
    return [`${path} is ${actual}, documented ${type}`];
  if (target.enum && !target.enum.includes(value)) problems.push(`${path} ${String(value)} is not in its enum`);
  if (typeof value === 'string') {
    if (target.pattern && !new RegExp(target.pattern).test(value)) problems.push(`${path} does not match its pattern`);
    if (target.minLength !== undefined && value.length < target.minLength) problems.push(`${path} too short`);
    if (target.maxLength !== undefined && value.length > target.maxLength) problems.push(`${path} too long`);
    if (target.format === 'date-time' && Number.isNaN(Date.parse(value))) problems.push(`${path} is not a date-time`);
  }
  if (typeof value === 'number') {
    if (target.minimum !== undefined && value < target.minimum) problems.push(`${path} below its minimum`);
    if (target.maximum !== undefined && value > target.maximum) problems.push(`${path} above its maximum`);
  }
  if (Array.isArray(value)) {
    if (target.minItems !== undefined && value.length < target.minItems) problems.push(`${path} has too few items`);
    if (target.maxItems !== undefined && value.length > target.maxItems) problems.push(`${path} has too many items`);
    value.forEach((item, index) => problems.push(...schemaProblems(item, target.items ?? {}, `${path}.${index}`)));
  }
  if (actual === 'object' && type === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of target.required ?? []) if (!(key in record)) problems.push(`${path}.${key} is missing`);
    for (const [key, field] of Object.entries(record)) {
      const property = target.properties?.[key];
      if (property) problems.push(...schemaProblems(field, property, `${path}.${key}`));
      else if (target.additionalProperties !== true) problems.push(`${path}.${key} is not documented`);
    }
  }
  return problems;
}

describe('the OpenAPI document of the gateway', () => {
  it('is a valid OpenAPI 3 document', () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = validateOpenApi(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is served at /docs and /docs-json without a key, while /v2 still asks for one', async () => {
    // As main.ts mounts them: the key is checked on /v2 only.
    app.use('/v2', authenticate({ accountOfHash: async () => null } as never, new FailedAuthLimiter(5, 5), false));
    setupApiDocs(app);
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const json = await fetch(`${base}/docs-json`);
    expect(json.status).toBe(200);
    expect(((await json.json()) as OpenAPIObject).paths).toEqual(document.paths);
    const ui = await fetch(`${base}/docs`);
    expect([ui.status, ui.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    expect(await ui.text()).toContain('swagger-ui');
    expect((await fetch(`${base}/docs/swagger-ui-init.js`)).status).toBe(200);
    const api = await fetch(`${base}/v2/jobs`);
    expect([api.status, ((await api.json()) as { code: string }).code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('documents the API under /v2 only, every operation behind the API key (HTTP Basic)', () => {
    expect(document.components?.securitySchemes?.[API_KEY_SCHEME]).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(Object.keys(document.paths).length).toBeGreaterThan(0);
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/v2/'))).toEqual([]);
    // The probes are controllers of the gateway too (excluded where they are declared), but not part of the API.
    expect(controllers.map((controller) => controller.name)).toContain('HealthController');
    for (const { path, method, operation } of operations()) {
      expect([path, method, operation.security]).toEqual([path, method, [{ [API_KEY_SCHEME]: [] }]]);
    }
  });

  it('names, describes and answers every operation, errors included', () => {
    for (const { path, method, operation } of operations()) {
      const label = `${method} ${path}`;
      expect([label, typeof operation.operationId, typeof operation.summary]).toEqual([label, 'string', 'string']);
      expect([label, operation.operationId]).not.toEqual([label, expect.stringContaining('Controller_')]);
      const statuses = Object.keys(operation.responses);
      expect([label, statuses.some((status) => /^2/.test(status))]).toEqual([label, true]);
      for (const status of ['401', '429', '500'])
        expect([label, statuses]).toEqual([label, expect.arrayContaining([status])]);
    }
  });

  it('shows the five example requests of the reference on the export body', () => {
    const body = document.paths['/v2/contactactivityexport'].post!.requestBody as Schema;
    const content = body.content['application/json'];
    expect(refName(content.schema.$ref)).toBe(ContactActivityExportDto.name);
    expect(Object.keys(content.examples)).toHaveLength(5);
    expect(Object.keys(content.examples)).toEqual(Object.keys(REFERENCE_EXAMPLES));
  });

  describe.each(Object.keys(REFERENCE_EXAMPLES))('the example %s', (name) => {
    const example = () =>
      (document.paths['/v2/contactactivityexport'].post!.requestBody as Schema).content['application/json'].examples[
        name
      ].value as Record<string, unknown>;

    it('fits the documented schema', () => {
      expect(schemaProblems(example(), { $ref: `#/components/schemas/${ContactActivityExportDto.name}` })).toEqual([]);
    });

    it('is accepted by the gateway as written: its body pipes, then the export service and the contract', async () => {
      expect(gatewayPipes.length).toBeGreaterThan(0);
      let dto: unknown = JSON.parse(JSON.stringify(example()));
      for (const pipe of gatewayPipes) {
        dto = await pipe.transform(dto, { type: 'body', metatype: ContactActivityExportDto, data: undefined });
      }
      expect(dto).toBeInstanceOf(ContactActivityExportDto);

      const published: { topic: string; value: unknown }[] = [];
      const service = new ExportsService(
        { insertPending: async () => undefined, markUnpublished: async () => undefined } as never,
        { exists: async () => true } as never,
        { put: async () => undefined, delete: async () => undefined } as never,
        { resolve: async () => ['203.0.113.10'] } as never,
        { denies: () => false } as never,
        {
          publish: async (topic: string, _key: string, value: unknown) => void published.push({ topic, value }),
        } as never,
      );
      await service.create('acc', dto as ContactActivityExportDto);
      expect(published).toHaveLength(1);
      expect(published[0].topic).toBe(Topic.Requested);
      const request = validatePayload(Topic.Requested, JSON.parse(JSON.stringify(published[0].value)));
      expect((request as ExportRequestedValue).output.format).toBe(example().exportType);
    });
  });
});

/** class-validator's metadata of a class, by property (inherited ones included). */
function validationByProperty(target: Type): Map<string, ValidationMetadata[]> {
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
    byProperty.set(meta.propertyName, [...(byProperty.get(meta.propertyName) ?? []), meta]);
  }
  return byProperty;
}

const STRING_RULES = new Set(['isString', 'isEmail', 'isIso8601', 'matches', 'minLength', 'maxLength', 'isNotEmpty']);

/**
 * What the documentation of one property says differently from its validation: presence, description,
 * required-ness, type, enum, bounds, pattern and format. `doc` is the property's schema (with its description).
 */
function propertyProblems(
  label: string,
  metas: ValidationMetadata[],
  doc: Schema | undefined,
  required: boolean,
): string[] {
  if (!doc) return [`${label} is not documented`];
  const problems: string[] = [];
  if (!doc.description) problems.push(`${label} has no description`);
  const optional = metas.some((meta) => meta.name === 'isOptional');
  if (optional === required) problems.push(`${label} is documented ${required ? 'required' : 'optional'}`);
  const resolved = deref(doc.allOf?.length === 1 ? doc.allOf[0] : doc);
  for (const meta of metas) {
    const target = meta.each ? (resolved.items ?? {}) : resolved;
    const [first, second] = meta.constraints ?? [];
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(`${label}${meta.each ? '[]' : ''}: ${what}`);
    };
    switch (meta.name) {
      case 'isIn':
        check(
          JSON.stringify([...new Set((target.enum ?? []).map((v: unknown) => String(v).toLowerCase()))].sort()) ===
            JSON.stringify([...(first as unknown[])].map(String).sort()),
          `enum ${JSON.stringify(target.enum)} is not ${JSON.stringify(first)}`,
        );
        break;
      case 'equals':
        check(JSON.stringify(target.enum) === JSON.stringify([first]), `enum is not [${String(first)}]`);
        break;
      case 'isInt':
        check(target.type === 'integer', `type ${target.type} is not integer`);
        break;
      case 'isBoolean':
        check(target.type === 'boolean', `type ${target.type} is not boolean`);
        break;
      case 'isArray':
        check(resolved.type === 'array', `type ${resolved.type} is not array`);
        break;
      case 'min':
        check(target.minimum === first, `minimum ${target.minimum} is not ${first}`);
        break;
      case 'max':
        check(target.maximum === first, `maximum ${target.maximum} is not ${first}`);
        break;
      case 'minLength':
        check(target.minLength === first, `minLength ${target.minLength} is not ${first}`);
        break;
      case 'maxLength':
        check(target.maxLength === first, `maxLength ${target.maxLength} is not ${first}`);
        break;
      case 'isNotEmpty':
        check(target.minLength >= 1, 'minLength is not at least 1');
        break;
      case 'arrayMinSize':
        check(resolved.minItems === first, `minItems ${resolved.minItems} is not ${first}`);
        break;
      case 'arrayMaxSize':
        check(resolved.maxItems === first, `maxItems ${resolved.maxItems} is not ${first}`);
        break;
      case 'matches': {
        const pattern = first instanceof RegExp ? first : new RegExp(String(first), second);
        // A pattern with flags cannot be written in OpenAPI; such fields say their format (date-times).
        if (pattern.flags === '') check(target.pattern === pattern.source, `pattern is not ${pattern.source}`);
        else check(typeof target.format === 'string', 'has no format');
        break;
      }
      case 'isIso8601':
        check(target.format === 'date-time', `format ${target.format} is not date-time`);
        break;
      case 'isEmail':
        check(target.format === 'email', `format ${target.format} is not email`);
        break;
    }
    if (meta.name && STRING_RULES.has(meta.name)) check(target.type === 'string', `type ${target.type} is not string`);
  }
  return problems;
}

describe('every field of every request', () => {
  const bodies = [...new Set(requestParameters(controllers, RouteParamtypes.BODY).map(({ type }) => type))];
  const queries = requestParameters(controllers, RouteParamtypes.QUERY);

  it('is found on the handlers', () => {
    expect(bodies.map((type) => type.name).sort()).toEqual(['ContactActivityExportDto', 'RegisterGcsBucketDto']);
    expect(queries.map(({ type }) => type.name).sort()).toEqual(['ListFilesQuery', 'ListJobsQuery']);
  });

  /**
   * Nested objects whose class is picked by a Transform rather than @Type: their documentation is a oneOf with a
   * discriminator, and each class of the union is checked like any other.
   */
  const UNIONS: Record<string, { classes: Type[]; keys: readonly string[] }> = {
    'ContactActivityExportDto.destination': { classes: Object.values(DESTINATION_CLASSES), keys: DESTINATION_TYPES },
  };

  /** Checks a body class against its schema, then every class nested in it. */
  function bodyProblems(target: Type, seen = new Set<Type>()): string[] {
    if (seen.has(target)) return [];
    seen.add(target);
    const schema = schemaNamed(target.name);
    const validation = validationByProperty(target);
    const problems = Object.keys(schema.properties ?? {})
      .filter((property) => !validation.has(property))
      .map((property) => `${target.name}.${property} is documented but not a field`);
    for (const [property, metas] of validation) {
      const label = `${target.name}.${property}`;
      const doc = schema.properties?.[property] as Schema | undefined;
      problems.push(...propertyProblems(label, metas, doc, (schema.required ?? []).includes(property)));
      if (!doc || !metas.some((meta) => meta.type === 'nestedValidation')) continue;
      const union = UNIONS[label];
      if (union) {
        const refs = (doc.oneOf ?? []).map((part: Schema) => refName(part.$ref));
        if (JSON.stringify(refs) !== JSON.stringify(union.classes.map((type) => type.name)))
          problems.push(`${label}: oneOf ${refs.join(', ')} is not the union`);
        if (
          JSON.stringify(Object.keys(doc.discriminator?.mapping ?? {}).sort()) !==
          JSON.stringify([...union.keys].sort())
        )
          problems.push(`${label}: the discriminator does not map ${union.keys.join(', ')}`);
        for (const type of union.classes) problems.push(...bodyProblems(type, seen));
        continue;
      }
      const nested = defaultMetadataStorage.findTypeMetadata(target, property)?.typeFunction() as Type | undefined;
      if (!nested) {
        problems.push(`${label}: a nested object of unknown class (add it to UNIONS)`);
        continue;
      }
      const ref = doc.items?.$ref ?? doc.$ref ?? doc.allOf?.[0]?.$ref;
      if (!ref || refName(ref) !== nested.name) problems.push(`${label}: documented as ${ref}, not ${nested.name}`);
      problems.push(...bodyProblems(nested, seen));
    }
    return problems;
  }

  it('of a body is documented as it is validated', () => {
    for (const { operation } of operations()) {
      const ref = (operation.requestBody as Schema | undefined)?.content?.['application/json']?.schema?.$ref;
      if (ref) expect(bodies.map((type) => type.name)).toContain(refName(ref));
    }
    expect(bodies.flatMap((type) => bodyProblems(type))).toEqual([]);
  });

  it('of a query string is documented as it is validated', () => {
    const problems = queries.flatMap(({ type: target, operationId }) =>
      [...validationByProperty(target)].flatMap(([property, metas]) => {
        const operation = operations().find((entry) => entry.operation.operationId === operationId)?.operation;
        if (!operation) return [`${target.name}: no operation ${operationId} in the document`];
        const parameters = (operation.parameters ?? []) as Schema[];
        const parameter = parameters.find((p) => p.in === 'query' && p.name === property);
        const doc = parameter && { ...parameter.schema, description: parameter.description };
        return propertyProblems(`${target.name}.${property}`, metas, doc, parameter?.required === true);
      }),
    );
    expect(problems).toEqual([]);
  });
});

describe('the answers of the API', () => {
  const success = (path: string, method: string, status: string) => {
    const response = (document.paths[path] as Record<string, Schema>)[method].responses[status];
    return response.content['application/json'].schema as Schema;
  };
  const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));

  const storedJob = {
    _id: JOB_ID,
    accountId: 'acc',
    jobName: 'contactactivityexport' as const,
    name: 'activities_batch_march25',
    status: 'failed' as const,
    totalItems: 10,
    completedItems: 4,
    createdAt: new Date('2019-03-26T10:00:00Z'),
    startedAt: new Date('2019-03-26T10:00:01Z'),
    endedAt: new Date('2019-03-26T10:00:09Z'),
    request: { exportType: 'csv', destination: { type: 'aws' } },
    fileCount: 2,
    error: { code: 'AUTH_FAILED', message: 'the FTP server refused the user name or password' },
  };
  const storedFiles = [
    {
      name: 'a-part-00001.csv',
      records: 2,
      bytes: 10,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      storageKey: 'acc/x/a-part-00001.csv',
      expiresAt: new Date('2019-04-25T10:00:00Z'),
      chunkIndex: 0,
    },
    {
      name: 'a-part-00002.csv',
      records: 2,
      bytes: 10,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      location: 'sftp://sftp.example.com:22/upload/a-part-00002.csv',
      chunkIndex: 1,
    },
  ];

  it('of the Jobs API are documented field for field, including every optional one', async () => {
    const pending = { ...storedJob, status: 'pending' as const, totalItems: null, startedAt: null, endedAt: null };
    for (const job of [storedJob, pending]) {
      const { error: _error, ...withoutError } = job;
      for (const view of [toJobView(job, storedFiles), toJobView(withoutError, [])]) {
        expect(schemaProblems(asJson(view), success('/v2/jobs/{jobId}', 'get', '200'))).toEqual([]);
      }
    }
    const documented = Object.keys(schemaNamed('JobResource').properties);
    expect(documented.sort()).toEqual(Object.keys(toJobView(storedJob, storedFiles)).sort());
    expect(Object.keys(schemaNamed('JobFileResource').properties).sort()).toEqual(
      [...new Set(storedFiles.flatMap((file) => Object.keys(toFileView(JOB_ID, file))))].sort(),
    );

    const jobs = {
      findOne: async () => storedJob,
      list: async () => [storedJob, storedJob],
      files: async () => storedFiles,
    };
    const cancellations = {
      cancel: async (job: typeof storedJob) => ({ ...job, status: 'cancelling' as const, error: undefined }),
    };
    const controller = new JobsController(jobs as never, {} as never, cancellations as never);
    const page = await controller.list('acc', { limit: '1' });
    expect(page.nextCursor).not.toBeNull();
    expect(schemaProblems(asJson(page), success('/v2/jobs', 'get', '200'))).toEqual([]);
    const files = await controller.files('acc', JOB_ID, { limit: '1' });
    expect(schemaProblems(asJson(files), success('/v2/jobs/{jobId}/files', 'get', '200'))).toEqual([]);
    const cancelled = await controller.cancel('acc', JOB_ID);
    expect(cancelled.status).toBe('cancelling');
    expect(schemaProblems(asJson(cancelled), success('/v2/jobs/{jobId}', 'delete', '202'))).toEqual([]);
  });

  it('of the export and GCS bucket endpoints are documented field for field', async () => {
    const exports = new ExportsController({ create: async () => ({ jobId: JOB_ID, name: 'x' }) } as never);
    const accepted = await exports.create('acc', {} as never, { setHeader: () => undefined } as never);
    expect(schemaProblems(asJson(accepted), success('/v2/contactactivityexport', 'post', '202'))).toEqual([]);

    const claim = { _id: 'acc/b', accountId: 'acc', bucket: 'b', token: 'cae-verify-1', createdAt: new Date() };
    const buckets = new GcsBucketsController(
      {
        list: async () => [claim],
        isRegistered: async () => true,
        register: async () => ({ claim, created: true }),
      } as never,
      { denies: () => false } as never,
    );
    const list = await buckets.list('acc');
    expect(list.items).toHaveLength(1);
    expect(schemaProblems(asJson(list), success('/v2/destinations/gcs-buckets', 'get', '200'))).toEqual([]);
    const registered = await buckets.register('acc', { bucket: 'b' }, { status: () => undefined } as never);
    for (const status of ['200', '201'])
      expect(schemaProblems(asJson(registered), success('/v2/destinations/gcs-buckets', 'post', status))).toEqual([]);
  });
});

describe('the error answers', () => {
  /** Every `(status, 'CODE')` the gateway's own code can answer with, read from its sources. */
  function answeredErrors(): { status: string; code: string; file: string }[] {
    const files = (folder: string): string[] =>
      readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(join(folder, entry.name)) : [join(folder, entry.name)],
      );
    return files(SOURCES)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.docs.ts'))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\b([45]\d\d),\s*(?:code:\s*)?'([A-Z][A-Z0-9_]+)'/g)].map(
          ([, status, code]) => ({ status, code, file: file.slice(SOURCES.length + 1) }),
        ),
      );
  }

  /** Every code the document shows, as `status code`, from the named examples of every error response. */
  function documentedErrors(): Set<string> {
    const documented = new Set<string>();
    for (const { operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Schema>)) {
        const content = response.content?.['application/json'];
        for (const example of Object.values((content?.examples ?? {}) as Record<string, Schema>)) {
          if (/^[45]/.test(status)) {
            expect(example.value.statusCode).toBe(Number(status));
            expect(schemaProblems(example.value, content.schema)).toEqual([]);
            documented.add(`${status} ${example.value.code}`);
          }
        }
      }
    }
    return documented;
  }

  it('are read from the sources', () => {
    const codes = new Set(answeredErrors().map(({ code }) => code));
    for (const code of ['VALIDATION_FAILED', 'UNAUTHORIZED', 'RATE_LIMITED', 'JOB_NOT_FOUND', 'INTERNAL_ERROR'])
      expect(codes).toContain(code);
  });

  it('are each documented with their status, and nothing else is', () => {
    const documented = documentedErrors();
    const answered = answeredErrors();
    expect(answered.filter(({ status, code }) => !documented.has(`${status} ${code}`))).toEqual([]);
    const answeredSet = new Set(answered.map(({ status, code }) => `${status} ${code}`));
    expect([...documented].filter((entry) => !answeredSet.has(entry))).toEqual([]);
  });

  it('include every code of the README’s error table', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Errors'), readme.indexOf('Job error codes'));
    const rows = table.split('\n').filter((line) => /^\| \d{3}/.test(line));
    expect(rows.length).toBeGreaterThan(5);
    const documented = [...documentedErrors()].map((entry) => entry.split(' ')[1]);
    const listed = rows.flatMap((row) => [...row.split('|')[2].matchAll(/`([A-Z_]+)`/g)].map(([, code]) => code));
    expect(listed.filter((code) => !documented.includes(code))).toEqual([]);
  });

  it('say what the fallback codes of the exception filter are', () => {
    const description = schemaNamed('ApiErrorBody').properties.code.description as string;
    for (const [status, code] of Object.entries(CODES)) expect(description).toContain(`${status} \`${code}\``);
  });
});
