import { Module } from '@nestjs/common';
import { JobEndings } from '@cae/mongo';
import { ObjectStorage } from '@cae/storage';
import { WriterEnv } from '../config/writer-env';
import { ChunkStager } from './chunk-stager.service';
import { RecordsConsumer } from './records.consumer';
import { WriterProgressRepository } from './writer-progress.repository';

@Module({
  providers: [
    ChunkStager,
    RecordsConsumer,
    WriterProgressRepository,
    JobEndings,
    { provide: ObjectStorage, inject: [WriterEnv], useFactory: (env: WriterEnv) => ObjectStorage.fromEnv(env) },
  ],
})
export class ChunkingModule {}
