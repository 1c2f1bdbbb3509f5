import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { ExportsService } from './exports.service';

@Controller('v2/contactactivityexport')
@UseGuards(ApiKeyGuard, RateLimitGuard)
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** Starts an export: 202 with the job's id and a Location to poll. */
  @Post()
  @HttpCode(202)
  async create(
    @AccountId() accountId: string,
    @Body() body: ContactActivityExportDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { jobId, name } = await this.exports.create(accountId, body);
    response.setHeader('Location', `/v2/jobs/${jobId}`);
    return { jobId, name, status: 'pending' };
  }
}
