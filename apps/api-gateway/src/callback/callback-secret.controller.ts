import { Controller, Header, HttpCode, Logger, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CallbackSecretStore } from '@cae/secrets';
import { AccountId } from '../auth/account-id.decorator';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ApiError } from '../http/api-error';
import { API_KEY_SCHEME } from '../http/api-docs';
import { ApiErrors, JSON_BODY_ERRORS } from '../http/api-error.docs';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { CallbackSecretIssued } from './callback-secret.docs';

/** The secret that signs an account's completion callbacks: made, or rotated, here; shown once. */
@Controller('v2/callback-secret')
@UseGuards(ApiKeyGuard, RateLimitGuard)
@ApiTags('callbacks')
@ApiBasicAuth(API_KEY_SCHEME)
export class CallbackSecretController {
  private readonly logger = new Logger(CallbackSecretController.name);

  constructor(private readonly secrets: CallbackSecretStore) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'issueCallbackSecret',
    summary: 'Create or rotate the account’s callback signing secret',
    description:
      'Makes a new random secret for the account and answers it, once: it is stored sealed and never shown again. ' +
      'Completion callbacks (`callbackUrl` of an export) are signed with it from now on; an export with a ' +
      '`callbackUrl` is refused (`CALLBACK_SECRET_MISSING`) until the account has one. Calling it again rotates ' +
      'the secret: the replaced one keeps signing beside the new one for 24 hours (`previousSecretValidUntil`). ' +
      'Send no body, or `{}`.',
  })
  @ApiBody({
    required: false,
    description: 'Nothing: `{}` or no body.',
    schema: { type: 'object', properties: {}, additionalProperties: false },
  })
  @ApiCreatedResponse({
    type: CallbackSecretIssued,
    description: 'The new secret (answered with `Cache-Control: no-store`).',
  })
  @ApiErrors(...JSON_BODY_ERRORS)
  async issue(@AccountId() accountId: string, @Req() request: Request): Promise<CallbackSecretIssued> {
    const body: unknown = request.body;
    const empty =
      body === undefined ||
      (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
    if (!empty) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'invalid request: body', [
        { field: 'body', reasons: ['this endpoint takes no fields: send {} or no body'] },
      ]);
    }
    const issued = await this.secrets.issue(accountId);
    // Never the secret: only that one was made.
    this.logger.log({
      message: 'callback secret issued',
      accountId,
      rotated: issued.previousSecretValidUntil !== null,
    });
    return {
      secret: issued.secret,
      createdAt: issued.createdAt.toISOString(),
      previousSecretValidUntil: issued.previousSecretValidUntil?.toISOString() ?? null,
    };
  }
}
