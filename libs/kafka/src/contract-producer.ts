import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import { ChunkSpreadingPartitioner } from './chunk-partitioner';
import { encodePayload, encodeRecordsBatch, RecordsBatchValue, Topic, TopicPayloads } from '@cae/contracts';
import { NonRetriableError } from './errors';

/**
 * A producer that only sends payloads valid for their topic, keyed by jobId, and waits for every in-sync replica.
 * `publish` resolves once the broker has the message durably: callers advance their checkpoints only after that.
 */
export class ContractProducer {
  private readonly producer: Producer;
  private connected = false;

  constructor(kafka: Kafka) {
    // murmur2 (Java-compatible): a job's key lands where Java clients would put it too; a chunked export's chunks
    // take the partitions in turn (ChunkSpreadingPartitioner).
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      maxInFlightRequests: 1,
      createPartitioner: ChunkSpreadingPartitioner,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.producer.disconnect();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async publish<T extends Topic>(topic: T, key: string, value: TopicPayloads[T]): Promise<void> {
    await this.send(topic, key, encodePayload(topic, value));
  }

  /** Publishes a records batch whose records are already JSON texts (see encodeRecordsBatch). */
  async publishRecords(
    key: string,
    envelope: Omit<RecordsBatchValue, 'records'>,
    recordTexts: readonly string[],
  ): Promise<void> {
    await this.send(Topic.Records, key, encodeRecordsBatch(envelope, recordTexts));
  }

  private async send(topic: Topic, key: string, value: Buffer): Promise<void> {
    try {
      await this.producer.send({
        topic,
        acks: -1,
        compression: topic === Topic.Records ? CompressionTypes.GZIP : CompressionTypes.None,
        messages: [{ key, value }],
      });
    } catch (error) {
      // Sending it again cannot help: the job fails with a code that says why instead of retrying for nothing.
      if (isMessageTooLarge(error)) {
        throw new NonRetriableError(
          'MESSAGE_TOO_LARGE',
          'a record of this export is larger than the message size the broker accepts (message.max.bytes)',
        );
      }
      throw error;
    }
  }
}

function isMessageTooLarge(error: unknown): boolean {
  for (
    let current = error as { type?: string; cause?: unknown } | undefined, depth = 0;
    current && depth < 5;
    depth++
  ) {
    if (current.type === 'MESSAGE_TOO_LARGE') return true;
    current = current.cause as typeof current;
  }
  return false;
}
