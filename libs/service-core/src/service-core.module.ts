import { DynamicModule, Module } from '@nestjs/common';
import { CommonEnv, EnvModule } from '@cae/config';
import { kafkaOptionsFromEnv, KafkaModule } from '@cae/kafka';
import { MongoModule } from '@cae/mongo';
import { HealthModule } from '@cae/service-kit';

/**
 * What every service process is built on: its validated environment (injectable by class), health probes, one
 * MongoDB client and one Kafka client with a contract producer. A service's root module adds its features.
 */
@Module({})
export class ServiceCoreModule {
  static forService(service: string, env: CommonEnv): DynamicModule {
    return {
      module: ServiceCoreModule,
      imports: [
        EnvModule.forRoot(env),
        HealthModule,
        MongoModule.forRoot(env.MONGODB_URI),
        KafkaModule.forRoot(kafkaOptionsFromEnv(service, env)),
      ],
      exports: [EnvModule, HealthModule, MongoModule, KafkaModule],
    };
  }
}
