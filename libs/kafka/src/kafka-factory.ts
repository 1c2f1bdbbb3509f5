import { Kafka, KafkaConfig, logLevel, LogEntry } from 'kafkajs';
import { Logger } from '@nestjs/common';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
}

export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

/** Routes kafkajs' own logging into the service's JSON logger, dropping its chatty info lines. */
function logCreator() {
  const logger = new Logger('kafkajs');
  return ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    if (level === logLevel.ERROR) logger.error({ message, ...pickSafe(extra) });
    else if (level === logLevel.WARN) logger.warn({ message, ...pickSafe(extra) });
  };
}

/** Keeps only fields that cannot carry message payloads. */
function pickSafe(extra: Record<string, unknown>) {
  const { broker, groupId, topic, partition, error, retryCount, retryTime } = extra;
  return { broker, groupId, topic, partition, error, retryCount, retryTime };
}

/** Client options shared by every kafkajs client of the project (our own and the Nest transport's). */
export function kafkaClientConfig(connection: KafkaConnection): KafkaConfig {
  return {
    clientId: connection.clientId,
    brokers: connection.brokers,
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    // Reconnects forever with capped backoff: a broker restart must never end a service.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 12 },
  };
}

/** The only place in the project that builds a kafkajs client. */
export function createKafka(connection: KafkaConnection): Kafka {
  return new Kafka(kafkaClientConfig(connection));
}
