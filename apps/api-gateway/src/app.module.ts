import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { loadEnv } from '@cae/config';
import { MongoModule } from '@cae/mongo';
import { HealthModule } from '@cae/service-kit';
import { GatewayConfigModule } from './config/gateway-config.module';
import { GatewayEnv } from './config/gateway-env';
import { ExportsModule } from './exports/exports.module';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { strictValidationPipe } from './http/validation.pipe';
import { JobsModule } from './jobs/jobs.module';
import { MessagingModule } from './messaging/messaging.module';


@Module({
  imports: [
    GatewayConfigModule,
    MongoModule.forRoot(loadEnv(GatewayEnv).MONGODB_URI),
    HealthModule,
    MessagingModule,
    JobsModule,
    ExportsModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_PIPE, useFactory: strictValidationPipe },
  ],
})
export class AppModule {}
