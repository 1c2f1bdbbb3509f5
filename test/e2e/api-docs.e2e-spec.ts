import { execFileSync } from 'node:child_process';
import { api } from '../support/api';
import { closeDatabase, createAccount } from '../support/fixtures';
import { API_URL, ROOT } from '../support/test-stack';

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Issue 11: the running gateway serves its OpenAPI document at /docs-json and the Swagger UI at /docs, without an
 * API key, and what it answers matches what the document says.
 */

/** @seriousme/openapi-schema-validator is an ES module: it runs in a child Node process, the document on stdin. */
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

describe('the API documents', () => {
  let document: Schema;
  let key: string;

  beforeAll(async () => {
    ({ key } = await createAccount('docs'));
    const response = await fetch(`${API_URL}/docs-json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = (await response.json()) as Schema;
  });
  afterAll(closeDatabase);

  it('serve a valid OpenAPI 3 document without an API key, of the /v2 API only', () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = validateOpenApi(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v2/contactactivityexport', '/v2/jobs', '/v2/jobs/{jobId}/files/{fileName}']),
    );
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/v2/'))).toEqual([]);
    const examples = document.paths['/v2/contactactivityexport'].post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toHaveLength(5);
  });

  it('serve the Swagger UI and its assets without an API key', async () => {
    const page = await fetch(`${API_URL}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map(([, path]) => path);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const url = asset.startsWith('docs/') ? `${API_URL}/${asset}` : `${API_URL}/docs/${asset}`;
      expect([asset, (await fetch(url)).status]).toEqual([asset, 200]);
    }
  });

  it('leave the API itself behind the key', async () => {
    expect((await api('GET', '/v2/jobs')).status).toBe(401);
    expect((await api('GET', '/v2/jobs', { key })).status).toBe(200);
  });

  /** The codes the document lists for an operation and status. */
  const documentedCodes = (path: string, method: string, status: number): string[] =>
    Object.values(
      (document.paths[path][method].responses[String(status)]?.content?.['application/json']?.examples ?? {}) as Record<
        string,
        Schema
      >,
    ).map((example) => example.value.code);

  it.each<[string, string, string, () => Promise<{ status: number; body: Schema }>]>([
    ['no key', '/v2/jobs', 'get', () => api('GET', '/v2/jobs')],
    [
      'malformed JSON',
      '/v2/contactactivityexport',
      'post',
      () => api('POST', '/v2/contactactivityexport', { key, body: '{"exportType":' }),
    ],
    [
      'a body that is not JSON',
      '/v2/contactactivityexport',
      'post',
      () => api('POST', '/v2/contactactivityexport', { key, body: 'x', headers: { 'content-type': 'text/plain' } }),
    ],
    [
      'an invalid field',
      '/v2/contactactivityexport',
      'post',
      () => api('POST', '/v2/contactactivityexport', { key, body: { exportType: 'xml' } }),
    ],
    [
      'an unknown job',
      '/v2/jobs/{jobId}',
      'get',
      () => api('GET', '/v2/jobs/8c275474-e636-46a5-a139-a8e40af646a3', { key }),
    ],
    ['an invalid page size', '/v2/jobs', 'get', () => api('GET', '/v2/jobs?limit=1e2', { key })],
  ])('document the error the gateway answers for %s', async (_case, path, method, call) => {
    const { status, body } = await call();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(body).toMatchObject({ statusCode: status, code: expect.any(String), message: expect.any(String) });
    expect(documentedCodes(path, method, status)).toContain(body.code);
  });
});
