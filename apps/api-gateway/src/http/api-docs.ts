import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ApiErrorBody } from './api-error.docs';

/** Name of the security scheme of the document: HTTP Basic, the API key as user name, an empty password. */
export const API_KEY_SCHEME = 'apiKey';

/** Where the gateway serves its OpenAPI document: the Swagger UI, and the document itself as JSON. */
export const API_DOCS_PATH = 'docs';
export const API_DOCS_JSON_PATH = 'docs-json';

const DESCRIPTION = `
Exports of contact activities (message-sent, open, click, optout, bounce, complaint and custom events) to CSV or
newline-delimited JSON files, kept in internal storage for 30 days or delivered to your SFTP, FTP, S3 or GCS
destination. \`POST /v2/contactactivityexport\` creates a job; the Jobs API reports its state and serves its files.

**Authentication**: HTTP Basic with the API key as user name and an empty password (\`curl -u KEY: ...\`). Every read
and write is scoped to the key's account: another account's job or file answers 404, as if it did not exist.

**Errors** are JSON, \`{ statusCode, code, message, fields? }\`: \`code\` is stable and machine-readable, \`fields\`
names every offending field of a refused request with its reasons. A refused request creates nothing. Every
operation lists the codes it can answer.

**Job status events**: internal services can subscribe to the Kafka topic \`contactactivityexport.job-status.v1\`
instead of polling (AsyncAPI document: \`docs/asyncapi.yaml\`).
`.trim();

/**
 * The OpenAPI 3 document of the gateway's HTTP API, from the controllers' decorators. Only the API under `/v2` is
 * documented: the probes and metrics of libs/service-kit are excluded where they are declared (ApiExcludeController).
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Contact activity export API')
    .setDescription(DESCRIPTION)
    .setVersion('v2')
    .addBasicAuth(
      {
        type: 'http',
        scheme: 'basic',
        description: 'The API key as user name, an empty password (`curl -u KEY: ...`).',
      },
      API_KEY_SCHEME,
    )
    .addTag('exports', 'Start exports of contact activities')
    .addTag('jobs', 'Follow export jobs and download their files')
    .addTag('destinations', 'Prove that a GCS bucket is yours before exporting to it')
    .addTag('callbacks', 'The secret that signs completion callbacks (`callbackUrl`)')
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ApiErrorBody] });
}

/**
 * Serves the document at `/docs` (Swagger UI) and `/docs-json`, outside `/v2`: reading it needs no API key (the
 * authentication middleware is mounted on `/v2` only), trying an operation in the UI does.
 */
export function setupApiDocs(app: INestApplication): OpenAPIObject {
  const document = buildApiDocument(app);
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: API_DOCS_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Contact activity export API',
  });
  return document;
}
