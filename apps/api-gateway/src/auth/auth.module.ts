import { Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { ApiKeyRepository } from './api-key.repository';

/** Authentication and the per-account rate limit that follows it (one limiter instance for all controllers). */
@Module({
  providers: [ApiKeyRepository, ApiKeyGuard, RateLimitGuard],
  exports: [ApiKeyRepository, ApiKeyGuard, RateLimitGuard],
})
export class AuthModule {}
