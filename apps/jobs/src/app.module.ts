import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@cae/service-core';
import { CallbackModule } from './callback/callback.module';
import { JobsEnv } from './config/jobs-env';
import { JobStateModule } from './job-state/job-state.module';

/** The service's root module, built from its validated environment. */
@Module({})
export class AppModule {
  static forEnv(env: JobsEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceCoreModule.forService('jobs', env), JobStateModule, CallbackModule],
    };
  }
}
