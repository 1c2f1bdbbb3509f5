import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { GatewayEnv } from '../config/gateway-env';
import type { AuthenticatedRequest } from '../auth/api-key.guard';
import { ApiError } from '../http/api-error';
import { TokenBuckets } from './token-bucket';

/** 429 with Retry-After once an account exceeds its request rate. Runs after authentication. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets;

  constructor(env: GatewayEnv) {
    this.buckets = new TokenBuckets(env.RATE_LIMIT_BURST, env.RATE_LIMIT_PER_SECOND);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const wait = this.buckets.take(request.accountId);
    if (wait === 0) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(wait));
    throw new ApiError(429, 'RATE_LIMITED', `too many requests for this account; retry in ${wait} s`);
  }
}
