import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { BucketDenylist } from '@cae/destination-rules';
import { GCS_VERIFICATION_OBJECT, GcsBucketDocument } from '@cae/mongo';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiError } from '../http/api-error';
import { API_KEY_SCHEME } from '../http/api-docs';
import { ApiErrors, JSON_BODY_ERRORS } from '../http/api-error.docs';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RegisterGcsBucketDto } from './dto/register-gcs-bucket.dto';
import { GcsBucketRepository } from './gcs-bucket.repository';
import { GcsBucketList, GcsBucketRegistration } from './gcs-buckets.docs';

/** Registrations per account: enough for any real use, and a bound on what one account can store. */
export const MAX_BUCKETS_PER_ACCOUNT = 100;

/** What a registration looks like to its account: the token, and where to put it. */
function toView(claim: GcsBucketDocument) {
  return {
    bucket: claim.bucket,
    verificationObject: GCS_VERIFICATION_OBJECT,
    token: claim.token,
    createdAt: claim.createdAt,
    instructions:
      `put the token on a line of gs://${claim.bucket}/${GCS_VERIFICATION_OBJECT} (for example: ` +
      `echo ${claim.token} | gsutil cp - gs://${claim.bucket}/${GCS_VERIFICATION_OBJECT}) and grant this service's ` +
      'identity read access to that object and write access to the folder you export to',
  };
}

/**
 * GCS buckets an account may deliver to. Uploads to GCS use the service's own identity, so a bucket must be
 * registered here, and hold the account's token, before the first file is written into it.
 */
@Controller('v2/destinations/gcs-buckets')
@UseGuards(ApiKeyGuard, RateLimitGuard)
@ApiTags('destinations')
@ApiBasicAuth(API_KEY_SCHEME)
export class GcsBucketsController {
  constructor(
    private readonly buckets: GcsBucketRepository,
    private readonly deniedBuckets: BucketDenylist,
  ) {}

  /** 201 with the token for a new registration, 200 with the same token when the bucket was registered already. */
  @Post()
  @ApiOperation({
    operationId: 'registerGcsBucket',
    summary: 'Register a GCS bucket as a destination',
    description:
      'GCS uploads use this service’s own Google identity, so a bucket must prove it is yours before the first ' +
      'export to it: put the returned token in its verification object and grant the service access (see ' +
      '`instructions`). Registering again returns the same token.',
  })
  @ApiCreatedResponse({ type: GcsBucketRegistration, description: 'Registered; put the token in place.' })
  @ApiOkResponse({ type: GcsBucketRegistration, description: 'Registered already: the same token.' })
  @ApiErrors(...JSON_BODY_ERRORS, 'DESTINATION_BUCKET_REFUSED', 'BUCKET_LIMIT_REACHED')
  async register(
    @AccountId() accountId: string,
    @Body() body: RegisterGcsBucketDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (this.deniedBuckets.denies(body.bucket)) {
      throw new ApiError(400, 'DESTINATION_BUCKET_REFUSED', 'invalid request: bucket', [
        { field: 'bucket', reasons: ['bucket names a bucket of this platform, which destinations may not use'] },
      ]);
    }
    const full =
      !(await this.buckets.isRegistered(accountId, body.bucket)) &&
      (await this.buckets.count(accountId)) >= MAX_BUCKETS_PER_ACCOUNT;
    if (full) {
      throw new ApiError(
        409,
        'BUCKET_LIMIT_REACHED',
        `an account may register at most ${MAX_BUCKETS_PER_ACCOUNT} buckets; delete one first`,
      );
    }
    const { claim, created } = await this.buckets.register(accountId, body.bucket);
    response.status(created ? 201 : 200);
    return toView(claim);
  }

  @Get()
  @ApiOperation({ operationId: 'listGcsBuckets', summary: 'List the account’s registered GCS buckets' })
  @ApiOkResponse({ type: GcsBucketList, description: 'Every registered bucket, with its token.' })
  @ApiErrors()
  async list(@AccountId() accountId: string) {
    return { items: (await this.buckets.list(accountId)).map(toView) };
  }

  /** Forgets the registration: later GCS exports of the account to this bucket fail BUCKET_NOT_VERIFIED. */
  @Delete(':bucket')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteGcsBucket',
    summary: 'Forget a registered GCS bucket',
    description: 'Later exports of the account to this bucket fail `BUCKET_NOT_VERIFIED`.',
  })
  @ApiParam({ name: 'bucket', description: 'Name of the registered bucket.', schema: { type: 'string' } })
  @ApiNoContentResponse({ description: 'Forgotten.' })
  @ApiErrors('BUCKET_NOT_REGISTERED')
  async remove(@AccountId() accountId: string, @Param('bucket') bucket: string): Promise<void> {
    if (!(await this.buckets.remove(accountId, bucket))) {
      throw new ApiError(404, 'BUCKET_NOT_REGISTERED', `no registered bucket ${bucket.slice(0, 222)} in this account`);
    }
  }
}
