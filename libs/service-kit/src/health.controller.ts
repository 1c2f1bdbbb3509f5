import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Readiness } from './readiness';

/** Kubernetes probes: liveness says the process runs; readiness that its dependencies answer. */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(@Res() response: Response) {
    const report = await this.readiness.report();
    response.status(report.ready ? 200 : 503).json(report);
  }
}
