import { get } from 'node:http';
import { AddressInfo } from 'node:net';
import { Controller, Delete, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { hasCancelRoute, JOBS_PAGE_PATHS } from './jobs-page.assets';
import { JobsPageModule } from './jobs-page.module';

describe('the Jobs page routes', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [JobsPageModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new ApiExceptionFilter());
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('redirects / to /jobs', async () => {
    const response = await fetch(`${base}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/jobs');
  });

  it('serves the page with a strict Content-Security-Policy and the other security headers', async () => {
    const response = await fetch(`${base}/jobs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = response.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "form-action 'none'",
      "base-uri 'none'",
      "require-trusted-types-for 'script'",
    ]) {
      expect(policy.split('; ')).toContain(directive);
    }
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
  });

  it('serves the assets the page links to, each with its type and the same headers', async () => {
    const html = await (await fetch(`${base}/jobs`)).text();
    const links = [...html.matchAll(/(?:src|href)="(\/jobs\/[^"]+)"/g)].map(([, link]) => link);
    expect(links.map((link) => link.replace(/\?v=[0-9a-f]{12}$/, '')).sort()).toEqual(
      [JOBS_PAGE_PATHS.script, JOBS_PAGE_PATHS.style, JOBS_PAGE_PATHS.icon].sort(),
    );
    const types: Record<string, string> = {
      [JOBS_PAGE_PATHS.script]: 'text/javascript; charset=utf-8',
      [JOBS_PAGE_PATHS.style]: 'text/css; charset=utf-8',
      [JOBS_PAGE_PATHS.icon]: 'image/svg+xml; charset=utf-8',
    };
    for (const link of links) {
      const response = await fetch(`${base}${link}`);
      expect({ link, status: response.status, type: response.headers.get('content-type') }).toEqual({
        link,
        status: 200,
        type: types[link.replace(/\?.*$/, '')],
      });
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers 304 to a browser that has the asset already', async () => {
    const first = await fetch(`${base}${JOBS_PAGE_PATHS.script}`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // node:http, not fetch: fetch marks a conditional request `Cache-Control: no-cache`, which asks for a full answer.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`${base}${JOBS_PAGE_PATHS.script}`, { headers: { 'if-none-match': etag! } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(304);
  });

  it('serves the reference examples for "Start from an example"', async () => {
    const response = await fetch(`${base}${JOBS_PAGE_PATHS.examples}`);
    const examples = (await response.json()) as Record<string, { value: { exportType: string } }>;
    expect(Object.keys(examples).length).toBe(5);
    expect(examples.internalCsv.value.exportType).toBe('csv');
  });

  it('answers 404 in the API’s error shape for anything else under /jobs', async () => {
    const response = await fetch(`${base}/jobs/../../etc/passwd`);
    expect(response.status).toBe(404);
    const other = await fetch(`${base}/jobs/nothing.js`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe(hasCancelRoute.name, () => {
  it('finds DELETE /v2/jobs/{jobId}, and nothing else', () => {
    @Controller('v2/jobs')
    class WithCancel {
      @Get(':jobId') get() {
        return undefined;
      }
      @Delete(':jobId') cancel() {
        return undefined;
      }
    }
    @Controller('v2/jobs')
    class WithoutCancel {
      @Get(':jobId') get() {
        return undefined;
      }
      @Delete(':jobId/files/:name') other() {
        return undefined;
      }
    }
    expect(hasCancelRoute(WithCancel)).toBe(true);
    expect(hasCancelRoute(WithoutCancel)).toBe(false);
  });
});
