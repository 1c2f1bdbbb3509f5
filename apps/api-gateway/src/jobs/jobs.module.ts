import { Module } from '@nestjs/common';
import { ObjectStorage } from '@cae/storage';
import { AuthModule } from '../auth/auth.module';
import { GatewayEnv } from '../config/gateway-env';
import { FileDownloadService } from './file-download.service';
import { JobCancelService } from './job-cancel.service';
import { JobRepository } from './job.repository';
import { JobsController } from './jobs.controller';

@Module({
  imports: [AuthModule],
  controllers: [JobsController],
  providers: [
    JobRepository,
    FileDownloadService,
    JobCancelService,
    {
      provide: ObjectStorage,
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => ObjectStorage.fromEnv(env),
    },
  ],
  exports: [JobRepository],
})
export class JobsModule {}
