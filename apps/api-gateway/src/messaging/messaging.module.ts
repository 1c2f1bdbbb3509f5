import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ContractProducer, createKafka, ensureTopics, parseBrokers } from '@cae/kafka';
import { Readiness } from '@cae/service-kit';
import { GatewayEnv } from '../config/gateway-env';

export const GATEWAY_PRODUCER = Symbol('GATEWAY_PRODUCER');

/** Connects the gateway's producer at start-up (creating topics in dev), reports it in readiness, closes it last. */
@Injectable()
class ProducerLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly env: GatewayEnv,
    private readonly readiness: Readiness,
    @Inject(GATEWAY_PRODUCER) private readonly producer: ContractProducer,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.env.KAFKA_CREATE_TOPICS) {
      await ensureTopics(createKafka(kafkaConnection(this.env)), this.env.KAFKA_TOPIC_PARTITIONS);
    }
    await this.producer.connect();
    this.readiness.register('kafka', async () => {
      if (!this.producer.isConnected) throw new Error('producer not connected');
    });
  }

  onApplicationShutdown(): Promise<void> {
    return this.producer.disconnect();
  }
}

function kafkaConnection(env: GatewayEnv) {
  return { brokers: parseBrokers(env.KAFKA_BROKERS), clientId: `${env.KAFKA_CLIENT_ID_PREFIX}-api-gateway` };
}

@Global()
@Module({
  providers: [
    { provide: GATEWAY_PRODUCER, useFactory: (env: GatewayEnv) => new ContractProducer(createKafka(kafkaConnection(env))), inject: [GatewayEnv] },
    ProducerLifecycle,
  ],
  exports: [GATEWAY_PRODUCER],
})
export class MessagingModule {}
