import { DynamicModule, Module } from '@nestjs/common';
import { CommonEnv, EnvModule } from '@cae/config';
import { kafkaOptionsFromEnv, KafkaModule } from '@cae/kafka';
import { MongoModule, ServiceName } from '@cae/mongo';
import { HealthModule } from '@cae/service-kit';
import { INDEX_CHECK_OPTIONS, StartupIndexCheck } from './startup-index-check';

/**
 * What every service process is built on: its validated environment (injectable by class), health probes and
 * metrics, one MongoDB client (and a check of the indexes the service needs) and one Kafka client with a contract
 * producer. A service's root module adds its features.
 */
@Module({})
export class ServiceCoreModule {
  static forService(service: ServiceName, env: CommonEnv): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        EnvModule.forRoot(env),
        HealthModule,
        MongoModule.forRoot(env.MONGODB_URI),
        KafkaModule.forRoot(kafkaOptionsFromEnv(service, env)),
      ],
      providers: [
        { provide: INDEX_CHECK_OPTIONS, useValue: { service, mode: env.MONGODB_INDEX_CHECK } },
        StartupIndexCheck,
      ],
      exports: [EnvModule, HealthModule, MongoModule, KafkaModule],
    };
  }
}
