import { Module } from '@nestjs/common';
import { ObjectStorage } from '@cae/storage';
import { JobsEnv } from '../config/jobs-env';
import { FileSweeperService } from '../expiry/file-sweeper.service';
import { NotifierService } from '../notification/notifier.service';
import { JobReconciler } from '../reconciler/job-reconciler.service';
import { JobStateRepository } from './job-state.repository';
import { JobStatusController } from './job-status.controller';

@Module({
  controllers: [JobStatusController],
  providers: [
    JobStateRepository,
    NotifierService,
    FileSweeperService,
    JobReconciler,
    { provide: ObjectStorage, inject: [JobsEnv], useFactory: (env: JobsEnv) => ObjectStorage.fromEnv(env) },
  ],
})
export class JobStateModule {}
