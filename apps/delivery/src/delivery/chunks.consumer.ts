import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic } from '@cae/contracts';
import { ContractConsumer, ContractProducer, KAFKA, PRODUCER, RejectedMessage, reportJobFailure } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import { DeliveryService } from './delivery.service';
import { Readiness } from '@cae/service-kit';

/** Consumes staged-chunk events one at a time; the offset is committed after the delivery step is durable. */
@Injectable()
export class ChunksConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChunksConsumer.name);
  private readonly consumer: ContractConsumer<Topic.Chunks>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly delivery: DeliveryService,
    env: DeliveryEnv,
    readiness: Readiness,
  ) {
    this.consumer = new ContractConsumer(kafka, producer, {
      topic: Topic.Chunks,
      groupId: 'contactactivityexport-delivery',
      handle: ({ value }) => this.delivery.onChunkStaged(value),
      onRejected: (rejected) => this.failJob(rejected),
      maxAttempts: env.DELIVERY_MAX_ATTEMPTS,
      retryBaseMs: env.DELIVERY_RETRY_BASE_MS,
      retryCapMs: env.DELIVERY_RETRY_CAP_MS,
      readiness,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  private async failJob({ key, accountId, error }: RejectedMessage): Promise<void> {
    if (!key) return;
    // A delivery error's message is written for the user; an unreadable message gets a generic one.
    const failure = 'code' in error
      ? { code: error.code, message: error.message.slice(0, 1000) }
      : { code: 'INVALID_CHUNK_MESSAGE', message: `delivering the export files failed: ${error.message.slice(0, 500)}` };
    await reportJobFailure(this.producer, { service: 'delivery', jobId: key, accountId, ...failure }, (publishError) =>
      this.logger.error({ message: 'could not report failure', jobId: key, error: String(publishError) }),
    );
  }
}
