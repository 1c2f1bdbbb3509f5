import { Module } from '@nestjs/common';
import { JobStateRepository } from './job-state.repository';
import { JobStatusController } from './job-status.controller';

@Module({ controllers: [JobStatusController], providers: [JobStateRepository] })
export class JobStateModule {}
