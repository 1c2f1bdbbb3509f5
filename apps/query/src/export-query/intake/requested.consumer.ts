import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Topic } from '@cae/contracts';
import { ContractConsumer, ContractProducer, KAFKA, PRODUCER, RejectedMessage, reportJobFailure } from '@cae/kafka';
import { CheckpointRepository } from '../scheduling/checkpoint.repository';
import { QueryScheduler } from '../scheduling/query-scheduler.service';
import { Readiness } from '@cae/service-kit';

/**
 * Consumes export requests: each is queued as a checkpoint (an idempotent insert) and its offset committed only
 * then, so a request is never lost and a redelivered one changes nothing.
 */
@Injectable()
export class RequestedConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RequestedConsumer.name);
  private readonly consumer: ContractConsumer<Topic.Requested>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: ContractProducer,
    private readonly checkpoints: CheckpointRepository,
    private readonly scheduler: QueryScheduler,
    readiness: Readiness,
  ) {
    this.consumer = new ContractConsumer(kafka, producer, {
      topic: Topic.Requested,
      groupId: 'contactactivityexport-query',
      handle: async ({ value }) => {
        await this.checkpoints.enqueue(value);
        this.scheduler.nudge();
      },
      onRejected: (rejected) => this.failJob(rejected),
      readiness,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.consumer.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.consumer.stop();
  }

  /** A request that cannot be read fails its job (when its key names one) instead of leaving it pending. */
  private async failJob({ key, accountId, error }: RejectedMessage): Promise<void> {
    if (!key) return;
    // accountId is absent when the unreadable request names none.
    this.logger.error({ message: 'unreadable export request', jobId: key, accountId });
    await reportJobFailure(
      this.producer,
      {
        service: 'query',
        jobId: key,
        accountId,
        code: 'INVALID_REQUEST_MESSAGE',
        message: `the export request could not be read: ${error.message.slice(0, 500)}`,
      },
      (publishError) =>
        this.logger.error({ message: 'could not report failure', jobId: key, accountId, error: String(publishError) }),
    );
  }
}
