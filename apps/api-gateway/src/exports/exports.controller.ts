import { Body, Controller, Headers, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBasicAuth,
  ApiBody,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
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
import { DryRunResult, ExportAccepted } from './exports.docs';
import { ExportRequests, QUOTA_RETRY_AFTER_SECONDS } from './export-requests.service';
import { IDEMPOTENCY_KEY_PATTERN, idempotencyKeyOf } from './idempotency/idempotency-key';
import { REFERENCE_EXAMPLES } from './reference-examples';
import { RetryLaterError } from './retry-later.error';

@Controller('v2/contactactivityexport')
@UseGuards(ApiKeyGuard, RateLimitGuard)
@ApiTags('exports')
@ApiBasicAuth(API_KEY_SCHEME)
@ApiExtraModels(ContactActivityExportDto)
export class ExportsController {
  constructor(private readonly exports: ExportRequests) {}

  /**
   * Starts an export: 202 with the job's id and a Location to poll. With an Idempotency-Key, a retry answers the job
   * of the first request; with `"dryRun": true`, 200 and what the export would make, creating nothing.
   */
  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createContactActivityExport',
    summary: 'Start an export of contact activities',
    description:
      'Creates an export job from the JSON body and answers at once; the job runs in the background. Poll ' +
      '`GET /v2/jobs/{jobId}` (the `Location` header) until its `status` is `done` or `failed`. Unknown fields are ' +
      'refused (a typo would otherwise silently export everything), and types are not coerced (`"compress": "true"` ' +
      'is a 400). A refused request creates nothing.\n\n' +
      'An account has at most `MAX_ACTIVE_EXPORTS_PER_ACCOUNT` (10 by default) exports `pending` or `processing` at ' +
      `once, across every gateway replica; one more answers 429 \`TOO_MANY_ACTIVE_EXPORTS\` with \`Retry-After\` ` +
      `(${QUOTA_RETRY_AFTER_SECONDS} s).\n\n` +
      'With `"dryRun": true` the answer is 200 with the number of matching records and the files the export would ' +
      'make; no job is created and nothing is queued.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Makes the POST safe to retry: for 24 hours, a request with the same key and the same body answers the job of ' +
      'the first one (same 202 body and `Location`, `Idempotent-Replayed: true`) instead of creating another; another ' +
      'body with the same key is a 422 `IDEMPOTENCY_KEY_REUSED`; while the first request is still being processed, ' +
      'a 409 `IDEMPOTENCY_REQUEST_IN_PROGRESS` with `Retry-After`. Keys are per account. A request refused with a ' +
      '4xx does not use its key up. 1-255 characters: letters, digits, `-`, `_`, `.`, `:`, `~` (a UUID is a good ' +
      'key). Ignored by a dry run.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source, minLength: 1, maxLength: 255 },
    example: '0f8b6a3e-5d2c-4c1e-9a7b-2f3d4e5a6b7c',
  })
  @ApiBody({
    required: true,
    schema: { $ref: getSchemaPath(ContactActivityExportDto) },
    examples: REFERENCE_EXAMPLES,
  })
  @ApiAcceptedResponse({
    type: ExportAccepted,
    description: 'The job was created (`pending`), or, for a retry with the same Idempotency-Key, found.',
    headers: {
      Location: { description: 'Path of the new job: `/v2/jobs/<jobId>`.', schema: { type: 'string' } },
      'Idempotent-Replayed': {
        description: '`true` when the job was created by an earlier request with the same Idempotency-Key.',
        schema: { type: 'string', enum: ['true'] },
      },
    },
  })
  @ApiOkResponse({
    type: DryRunResult,
    description: 'A dry run (`"dryRun": true`): what the export would make. Nothing was created.',
  })
  @ApiErrors(
    ...JSON_BODY_ERRORS,
    'DESTINATION_HOST_REFUSED',
    'DESTINATION_BUCKET_REFUSED',
    'CALLBACK_HOST_REFUSED',
    'CALLBACK_SECRET_MISSING',
    'IDEMPOTENCY_REQUEST_IN_PROGRESS',
    'IDEMPOTENCY_KEY_REUSED',
    'TOO_MANY_ACTIVE_EXPORTS',
    'QUEUE_UNAVAILABLE',
  )
  async create(
    @AccountId() accountId: string,
    @Body() body: ContactActivityExportDto,
    @Res({ passthrough: true }) response: Response,
    @Headers('idempotency-key') idempotencyKeyHeader?: string,
  ) {
    try {
      const idempotencyKey = idempotencyKeyOf(idempotencyKeyHeader);
      if (body.dryRun === true) {
        response.status(200);
        return await this.exports.dryRun(accountId, body);
      }
      const { jobId, name, replayed } = await this.exports.create(accountId, body, idempotencyKey);
      response.setHeader('Location', `/v2/jobs/${jobId}`);
      if (replayed) response.setHeader('Idempotent-Replayed', 'true');
      return { jobId, name, status: 'pending' };
    } catch (error) {
      if (error instanceof RetryLaterError) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }
}
