import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@cae/service-core';
import { QueryEnv } from './config/query-env';
import { ExportQueryModule } from './export-query/export-query.module';

/** The service's root module, built from its validated environment. */
@Module({})
export class AppModule {
  static forEnv(env: QueryEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceCoreModule.forService('query', env), ExportQueryModule],
    };
  }
}
