import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { JobError, Topic } from '@cae/contracts';
import { ContractConsumer, ContractProducer, KAFKA, PRODUCER, RejectedMessage, reportJobFailure } from '@cae/kafka';
import { DeliveryEnv } from '../config/delivery-env';
import { DeliveryWorker } from './delivery-worker.service';
import { DeliveryService } from './delivery.service';
import { Readiness } from '@cae/service-kit';

/**
 * Consumes staged-chunk events: each is recorded and its delivery work queued (quick, durable), then committed.
 * The uploads themselves run in the DeliveryWorker, so a slow destination never holds this partition.
 */
@Injectable()
export class ChunksConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChunksConsumer.name);
  private readonly consumer: ContractConsumer<Topic.Chunks>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly delivery: DeliveryService,
    private readonly worker: DeliveryWorker,
    env: DeliveryEnv,
    readiness: Readiness,
  ) {
    this.consumer = new ContractConsumer(kafka, producer, {
      topic: Topic.Chunks,
      groupId: 'contactactivityexport-delivery',
      handle: async ({ value }) => {
        await this.delivery.onChunkStaged(value);
        this.worker.nudge();
      },
      onRejected: (rejected) => this.failJob(rejected),
      // Recording is a database write: retried in place while the database is away, like every other consumer.
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
    const failure: JobError =
      'code' in error
        ? { code: error.code, message: error.message.slice(0, 1000) }
        : {
            code: 'INVALID_CHUNK_MESSAGE',
            message: `delivering the export files failed: ${error.message.slice(0, 500)}`,
          };
    await reportJobFailure(this.producer, { service: 'delivery', jobId: key, accountId, ...failure }, (publishError) =>
      this.logger.error({ message: 'could not report failure', jobId: key, accountId, error: String(publishError) }),
    );
  }
}
