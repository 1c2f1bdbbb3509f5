import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@cae/service-core';
import { ChunkingModule } from './chunking/chunking.module';
import { WriterEnv } from './config/writer-env';

/** The service's root module, built from its validated environment. */
@Module({})
export class AppModule {
  static forEnv(env: WriterEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceCoreModule.forService('writer', env), ChunkingModule],
    };
  }
}
