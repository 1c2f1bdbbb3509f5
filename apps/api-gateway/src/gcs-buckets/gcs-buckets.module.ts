import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DestinationPolicyModule } from '../destination-policy/destination-policy.module';
import { GcsBucketRepository } from './gcs-bucket.repository';
import { GcsBucketsController } from './gcs-buckets.controller';

@Module({
  imports: [AuthModule, DestinationPolicyModule],
  controllers: [GcsBucketsController],
  providers: [GcsBucketRepository],
})
export class GcsBucketsModule {}
