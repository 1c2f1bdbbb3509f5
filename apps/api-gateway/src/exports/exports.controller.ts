import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBasicAuth,
  ApiBody,
  ApiExtraModels,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { API_KEY_SCHEME } from '../http/api-docs';
import { ApiErrors, JSON_BODY_ERRORS } from '../http/api-error.docs';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ContactActivityExportDto } from './dto/contact-activity-export.dto';
import { ExportAccepted } from './exports.docs';
import { ExportsService } from './exports.service';
import { REFERENCE_EXAMPLES } from './reference-examples';

@Controller('v2/contactactivityexport')
@UseGuards(ApiKeyGuard, RateLimitGuard)
@ApiTags('exports')
@ApiBasicAuth(API_KEY_SCHEME)
@ApiExtraModels(ContactActivityExportDto)
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** Starts an export: 202 with the job's id and a Location to poll. */
  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createContactActivityExport',
    summary: 'Start an export of contact activities',
    description:
      'Creates an export job from the JSON body and answers at once; the job runs in the background. Poll ' +
      '`GET /v2/jobs/{jobId}` (the `Location` header) until its `status` is `done` or `failed`. Unknown fields are ' +
      'refused (a typo would otherwise silently export everything), and types are not coerced (`"compress": "true"` ' +
      'is a 400). A refused request creates nothing.',
  })
  @ApiBody({
    required: true,
    schema: { $ref: getSchemaPath(ContactActivityExportDto) },
    examples: REFERENCE_EXAMPLES,
  })
  @ApiAcceptedResponse({
    type: ExportAccepted,
    description: 'The job was created (`pending`).',
    headers: {
      Location: { description: 'Path of the new job: `/v2/jobs/<jobId>`.', schema: { type: 'string' } },
    },
  })
  @ApiErrors(...JSON_BODY_ERRORS, 'DESTINATION_HOST_REFUSED', 'DESTINATION_BUCKET_REFUSED', 'QUEUE_UNAVAILABLE')
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
