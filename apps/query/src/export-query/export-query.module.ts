import { Module } from '@nestjs/common';
import { JobEndings } from '@cae/mongo';
import { CheckpointRepository } from './scheduling/checkpoint.repository';
import { ContactResolver } from './scope/contact-resolver';
import { ExportQueryRunner } from './streaming/export-query.runner';
import { ExportScopeResolver } from './scope/export-scope';
import { QueryScheduler } from './scheduling/query-scheduler.service';
import { RequestedConsumer } from './intake/requested.consumer';

@Module({
  providers: [
    CheckpointRepository,
    ContactResolver,
    ExportQueryRunner,
    ExportScopeResolver,
    JobEndings,
    QueryScheduler,
    RequestedConsumer,
  ],
})
export class ExportQueryModule {}
