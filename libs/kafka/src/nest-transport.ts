import { KafkaOptions, Transport } from '@nestjs/microservices';
import { Consumer, Partitioners } from 'kafkajs';
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

/**
 * The Nest transport does not restart its consumer after a crash kafkajs will not recover from itself (e.g. the
 * broker was away longer than its retries): the process would look healthy and apply nothing. Exit instead, so
 * the supervisor (Kubernetes, the local restart loop) starts it again and it rejoins its group.
 */
export function exitOnUnrecoverableCrash(microservice: { unwrap<T>(): T }, log: (message: string) => void): void {
  const [, consumer] = microservice.unwrap<[unknown, Consumer, unknown]>();
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    log(
      `job-status consumer crashed and will not restart itself: ${payload.error?.message ?? 'unknown error'}; exiting`,
    );
    process.exit(1);
  });
}
