import { Module } from '@nestjs/common';
import { JobEndings } from '@cae/mongo';
import { ActivityIndexes } from './activity-indexes';
import { CheckpointRepository } from './checkpoint.repository';
import { ContactResolver } from './contact-resolver';
import { ExportQueryRunner } from './export-query.runner';
import { ExportScopeResolver } from './export-scope';
import { QueryScheduler } from './query-scheduler.service';
import { RequestedConsumer } from './requested.consumer';

@Module({
  providers: [ActivityIndexes, CheckpointRepository, ContactResolver, ExportQueryRunner, ExportScopeResolver, JobEndings, QueryScheduler, RequestedConsumer],
})
export class ExportQueryModule {}
