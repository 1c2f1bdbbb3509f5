import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { JOBS_PAGE_PATHS, JobsPageAssets, PageAsset } from './jobs-page.assets';
import { SECURITY_HEADERS } from './security-headers';

/**
 * The Jobs page: plain HTML, one script and one style sheet, at `/jobs` (and `/`, redirected there). Outside `/v2`,
 * so loading the page needs no key; the page asks for one and calls the API with it. Not part of the OpenAPI
 * document, which describes the API only.
 */
@ApiExcludeController()
@Controller()
export class JobsPageController {
  constructor(private readonly assets: JobsPageAssets) {}

  @Get()
  root(@Res() response: Response): void {
    response.set(SECURITY_HEADERS).redirect(302, JOBS_PAGE_PATHS.page);
  }

  @Get(JOBS_PAGE_PATHS.page)
  page(@Res() response: Response): void {
    send(response, this.assets.page);
  }

  @Get(JOBS_PAGE_PATHS.script)
  script(@Res() response: Response): void {
    send(response, this.assets.script);
  }

  @Get(JOBS_PAGE_PATHS.style)
  style(@Res() response: Response): void {
    send(response, this.assets.style);
  }

  @Get(JOBS_PAGE_PATHS.icon)
  icon(@Res() response: Response): void {
    send(response, this.assets.icon);
  }

  @Get(JOBS_PAGE_PATHS.examples)
  examples(@Res() response: Response): void {
    send(response, this.assets.examples);
  }
}

/** Express adds an ETag and answers 304 to a matching If-None-Match. */
function send(response: Response, asset: PageAsset): void {
  response.set(SECURITY_HEADERS).set('Cache-Control', asset.cacheControl).type(asset.contentType).send(asset.body);
}
