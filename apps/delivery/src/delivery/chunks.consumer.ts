import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic } from '@cae/contracts';
import { ContractConsumer, ContractProducer, KAFKA, PRODUCER, RejectedMessage } from '@cae/kafka';
import { DeliveryService } from './delivery.service';

/** Consumes staged-chunk events one at a time; the offset is committed after the delivery step is durable. */
@Injectable()
export class ChunksConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChunksConsumer.name);
  private readonly consumer: ContractConsumer<Topic.Chunks>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) producer: ContractProducer,
    private readonly delivery: DeliveryService,
  ) {
    this.consumer = new ContractConsumer(kafka, producer, {
      topic: Topic.Chunks,
      groupId: 'contactactivityexport-delivery',
      handle: ({ value }) => this.delivery.onChunkStaged(value),
      onRejected: (rejected) => this.failJob(rejected),
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private async failJob({ key, error }: RejectedMessage): Promise<void> {
    if (!key) return;
    const code = 'code' in error ? error.code : 'INVALID_CHUNK_MESSAGE';
    await this.delivery
      .reportFailure(key, 'unknown', { code, message: `delivering the export files failed: ${error.message.slice(0, 500)}` })
      .catch((publishError) => this.logger.error({ message: 'could not report failure', jobId: key, error: String(publishError) }));
  }
}
