import { readFileSync } from 'node:fs';
import { Kafka, KafkaConfig, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { Logger } from '@nestjs/common';

/** TLS and SASL towards the brokers (e.g. a Strimzi listener with `tls: true` and `authentication: scram-sha-512`). */
export interface KafkaSecurity {
  ssl: boolean;
  /** PEM file of the CA that signed the brokers' certificates (Strimzi: the `<cluster>-cluster-ca-cert` Secret). */
  caFile?: string;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
}

/** The security settings of CommonEnv's KAFKA_SSL* and KAFKA_SASL_* variables. */
export function kafkaSecurityFromEnv(env: {
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}): KafkaSecurity {
  const sasl = env.KAFKA_SASL_MECHANISM
    ? { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME!, password: env.KAFKA_SASL_PASSWORD! }
    : undefined;
  return { ssl: env.KAFKA_SSL, caFile: env.KAFKA_SSL_CA_FILE, sasl };
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
  const { security } = connection;
  const ssl = security?.ssl ? (security.caFile ? { ca: [readFileSync(security.caFile, 'utf8')] } : true) : undefined;
  return {
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl,
    sasl: security?.sasl as SASLOptions | undefined,
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
