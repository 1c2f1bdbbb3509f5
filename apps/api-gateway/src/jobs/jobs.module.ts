import { Module } from '@nestjs/common';
import { ObjectStorage } from '@cae/storage';
import { AuthModule } from '../auth/auth.module';
import { GatewayEnv } from '../config/gateway-env';
import { FileDownloadService } from './file-download.service';
import { JobRepository } from './job.repository';
import { JobsController } from './jobs.controller';

@Module({
  imports: [AuthModule],
  controllers: [JobsController],
  providers: [
    JobRepository,
    FileDownloadService,
    {
      provide: ObjectStorage,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) =>
        new ObjectStorage({
          endpoint: env.S3_ENDPOINT, region: env.S3_REGION, accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY, forcePathStyle: env.S3_FORCE_PATH_STYLE,
        }),
    },
  ],
  exports: [JobRepository],
})
export class JobsModule {}
