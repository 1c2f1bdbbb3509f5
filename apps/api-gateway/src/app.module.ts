import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ServiceCoreModule } from '@cae/service-core';
import { GatewayEnv } from './config/gateway-env';
import { ExportsModule } from './exports/exports.module';
import { GcsBucketsModule } from './gcs-buckets/gcs-buckets.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { BodyShapePipe, strictValidationPipe } from './http/validation.pipe';
import { JobsModule } from './jobs/jobs.module';
import { JobsPageModule } from './jobs-page/jobs-page.module';

/** The service's root module, built from its validated environment. */
@Module({})
export class AppModule {
  static forEnv(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService('api-gateway', env),
        JobsModule,
        ExportsModule,
        GcsBucketsModule,
        JobsPageModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        // Pipes run in order: the body's shape first, then the DTO.
        { provide: APP_PIPE, useClass: BodyShapePipe },
        { provide: APP_PIPE, useFactory: strictValidationPipe },
      ],
    };
  }
}
