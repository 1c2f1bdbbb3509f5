import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Readiness } from '@cae/service-kit';
import { ContractProducer } from './contract-producer';
import { createKafka, KafkaSecurity, kafkaSecurityFromEnv, parseBrokers } from './kafka-factory';
import { ensureTopics } from './topic-admin';

export const KAFKA = Symbol('KAFKA');
export const PRODUCER = Symbol('PRODUCER');
const OPTIONS = Symbol('KAFKA_OPTIONS');

export interface KafkaModuleOptions {
  service: string;
  brokers: string;
  clientIdPrefix: string;
  createTopics: boolean;
  partitions: number;
  /** Replication and min.insync.replicas of created topics; absent: from the cluster's size (topicDurability). */
  replicationFactor?: number;
  minInSyncReplicas?: number;
  security?: KafkaSecurity;
}

/** Builds `KafkaModuleOptions` from the variables every service has (see CommonEnv). */
export function kafkaOptionsFromEnv(
  service: string,
  env: {
    KAFKA_BROKERS: string;
    KAFKA_CLIENT_ID_PREFIX: string;
    KAFKA_CREATE_TOPICS: boolean;
    KAFKA_TOPIC_PARTITIONS: number;
    KAFKA_TOPIC_REPLICATION?: number;
    KAFKA_MIN_INSYNC_REPLICAS?: number;
  } & Parameters<typeof kafkaSecurityFromEnv>[0],
): KafkaModuleOptions {
  return {
    service,
    brokers: env.KAFKA_BROKERS,
    clientIdPrefix: env.KAFKA_CLIENT_ID_PREFIX,
    createTopics: env.KAFKA_CREATE_TOPICS,
    partitions: env.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: env.KAFKA_TOPIC_REPLICATION,
    minInSyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
    security: kafkaSecurityFromEnv(env),
  };
}

/** Connects the service's producer at start-up (creating topics in dev), reports it in readiness, closes it last. */
@Injectable()
class ProducerLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: KafkaModuleOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly readiness: Readiness,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.createTopics) await ensureTopics(this.kafka, this.options.partitions, this.options);
    await this.producer.connect();
    this.readiness.register('kafka', async () => {
      if (!this.producer.isConnected) throw new Error('producer not connected');
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** One Kafka client and one contract producer per service process. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              brokers: parseBrokers(options.brokers),
              clientId: `${options.clientIdPrefix}-${options.service}`,
              security: options.security,
            }),
        },
        { provide: PRODUCER, inject: [KAFKA], useFactory: (kafka: Kafka) => new ContractProducer(kafka) },
        ProducerLifecycle,
      ],
      exports: [KAFKA, PRODUCER],
    };
  }
}
