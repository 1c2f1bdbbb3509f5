import { Module } from '@nestjs/common';
import { ObjectStorage } from '@cae/storage';
import { JobsEnv } from '../config/jobs-env';
import { FileSweeperService } from '../expiry/file-sweeper.service';
import { NoticeOnEnd } from '../notification/notice-on-end';
import { NotifierService } from '../notification/notifier.service';
import { CancellationFinisher } from '../reconciler/cancellation-finisher';
import { JobReconciler } from '../reconciler/job-reconciler.service';
import { JOB_END_HOOKS, JobEndHook } from './job-end-hooks';
import { JobStateRepository } from './job-state.repository';
import { JobStatusController } from './job-status.controller';

@Module({
  controllers: [JobStatusController],
  providers: [
    JobStateRepository,
    NotifierService,
    FileSweeperService,
    JobReconciler,
    CancellationFinisher,
    NoticeOnEnd,
    // What runs once a job reached a final state (done, failed, cancelled), in this order: add hooks here.
    { provide: JOB_END_HOOKS, inject: [NoticeOnEnd], useFactory: (...hooks: JobEndHook[]) => hooks },
    { provide: ObjectStorage, inject: [JobsEnv], useFactory: (env: JobsEnv) => ObjectStorage.fromEnv(env) },
  ],
})
export class JobStateModule {}
