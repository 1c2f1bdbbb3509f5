import { KafkaOptions, Transport } from '@nestjs/microservices';
import { Partitioners } from 'kafkajs';
import { kafkaClientConfig, KafkaConnection } from './kafka-factory';

/**
 * Options for `@nestjs/microservices`' Kafka transport, used for the low-volume job-status stream.
 * It handles one message at a time and commits after the handler resolved; a handler that throws makes kafkajs
 * redeliver the message, so handlers must be idempotent (they are: job state is set, never incremented).
 */
export function nestKafkaTransport(connection: KafkaConnection, groupId: string): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig(connection),
      consumer: { groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 },
      producer: { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: true },
      run: { autoCommit: true, partitionsConsumedConcurrently: 1 },
      postfixId: '',
    },
  };
}
