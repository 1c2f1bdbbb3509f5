import { createHash } from 'node:crypto';
import { Injectable, RequestMethod, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { REFERENCE_EXAMPLES } from '../exports/reference-examples';
import { JobsController } from '../jobs/jobs.controller';
import { JOB_STATUSES } from '../jobs/list-jobs.query';
import { jobsPageHtml } from './page-html';
import { PAGE_ICON } from './page-icon';
import { buildPageScript } from './page-script';
import { PAGE_STYLE } from './page-style';

export interface PageAsset {
  body: string;
  contentType: string;
  cacheControl: string;
}

/** The Jobs page's paths: the page, and its assets beside it. */
export const JOBS_PAGE_PATHS = {
  page: '/jobs',
  script: '/jobs/jobs-page.js',
  style: '/jobs/jobs-page.css',
  icon: '/jobs/icon.svg',
  examples: '/jobs/reference-examples.json',
} as const;

/**
 * Whether the controller has a cancel route, `DELETE /v2/jobs/{jobId}`: the page shows Cancel buttons only then, so
 * it never offers what the gateway would answer 404 to.
 */
export function hasCancelRoute(controller: Type = JobsController): boolean {
  return Object.getOwnPropertyNames(controller.prototype).some((name) => {
    const handler = Object.getOwnPropertyDescriptor(controller.prototype, name)?.value;
    if (typeof handler !== 'function') return false;
    const path = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '').replace(/^\/+/, '');
    return Reflect.getMetadata(METHOD_METADATA, handler) === RequestMethod.DELETE && path === ':jobId';
  });
}

const version = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 12);

/** Everything the page serves, built once when the gateway starts (a client module that cannot load fails the start). */
@Injectable()
export class JobsPageAssets {
  readonly page: PageAsset;
  readonly script: PageAsset;
  readonly style: PageAsset;
  readonly icon: PageAsset;
  readonly examples: PageAsset;

  constructor() {
    // Assets may be cached: their links carry a hash of their content, so a new version is a new address.
    const asset = (body: string, contentType: string): PageAsset => ({ body, contentType, cacheControl: 'no-cache' });
    this.script = asset(buildPageScript(), 'text/javascript; charset=utf-8');
    this.style = asset(PAGE_STYLE, 'text/css; charset=utf-8');
    this.icon = asset(PAGE_ICON, 'image/svg+xml');
    this.examples = asset(JSON.stringify(REFERENCE_EXAMPLES), 'application/json; charset=utf-8');
    const html = jobsPageHtml(
      {
        statuses: JOB_STATUSES,
        canCancel: hasCancelRoute(),
        examples: Object.entries(REFERENCE_EXAMPLES).map(([key, example]) => ({ key, summary: example.summary })),
      },
      {
        script: `${JOBS_PAGE_PATHS.script}?v=${version(this.script.body)}`,
        style: `${JOBS_PAGE_PATHS.style}?v=${version(this.style.body)}`,
        icon: `${JOBS_PAGE_PATHS.icon}?v=${version(this.icon.body)}`,
      },
    );
    // The page itself is never stored: nothing of a signed-in tab should outlive it in a cache.
    this.page = { body: html, contentType: 'text/html; charset=utf-8', cacheControl: 'no-store' };
  }
}
