import { DynamicModule, Module } from '@nestjs/common';
import { EnvModule } from '@cae/config';
import { kafkaOptionsFromEnv, KafkaModule } from '@cae/kafka';
import { MongoModule } from '@cae/mongo';
import { HealthModule } from '@cae/service-kit';
import { QueryEnv } from './config/query-env';
import { ExportQueryModule } from './export-query/export-query.module';

/** The service's root module, built from its validated environment. */
@Module({})
export class AppModule {
  static forEnv(env: QueryEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        HealthModule,
        MongoModule.forRoot(env.MONGODB_URI),
        KafkaModule.forRoot(kafkaOptionsFromEnv('query', env)),
        ExportQueryModule,
      ],
    };
  }
}
