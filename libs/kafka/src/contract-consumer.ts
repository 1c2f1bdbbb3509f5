import { Logger } from '@nestjs/common';
import { Readiness, serviceMetrics } from '@cae/service-kit';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import {
  accountIdOf,
  decodePayload,
  InvalidPayloadError,
  jobIdOfRecordsKey,
  Topic,
  TopicPayloads,
} from '@cae/contracts';
import { backoffMs, sleep } from './backoff';
import { ContractProducer } from './contract-producer';
import { errorMessage, NonRetriableError, RetriableError } from './errors';
import { publishDeadLetter } from './dead-letter';

export interface ConsumedMessage<T> {
  partition: number;
  offset: string;
  key: string | null;
  value: T;
}

export interface ConsumerControls {
  /** Keeps the member in its group during long work. */
  heartbeat(): Promise<void>;
  /** Commits `nextOffset` (the offset of the next message to read) for a partition. */
  commit(partition: number, nextOffset: string): Promise<void>;
}

/** A message that could not be handled: its key (the jobId), the reason and whether it was off-contract. */
export interface RejectedMessage<V = unknown> {
  key: string | null;
  /** The payload, when it was valid and its handling failed for good. */
  value?: V;
  /** The job's tenant, from the payload even when it was off-contract; absent when it names none. */
  accountId?: string;
  partition: number;
  offset: string;
  error: NonRetriableError | InvalidPayloadError;
}

export interface ContractConsumerOptions<T extends Topic> {
  topic: T;
  groupId: string;
  handle(message: ConsumedMessage<TopicPayloads[T]>, controls: ConsumerControls): Promise<void>;
  /**
   * Called after a message went to the dead-letter topic, e.g. to fail its job. Retried with backoff until it
   * resolves; the message is committed only then (a rejection whose job.failed was never sent would leave the job
   * unfinished for good).
   */
  onRejected(rejected: RejectedMessage<TopicPayloads[T]>): Promise<void>;
  /**
   * `after-each` (default): the offset is committed once `handle` resolved, i.e. after its effect is durable.
   * `manual`: the handler commits through `controls.commit` when its effects allow (the writer's open chunks).
   */
  commit?: 'after-each' | 'manual';
  /** Called with this member's partitions of the topic after every rebalance. */
  onAssignment?(partitions: number[]): void;
  /** Attempts of a retriable failure before it is treated as non-retriable, and the backoff between them. */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryCapMs?: number;
  /**
   * Fetch limits, in bytes as stored on the broker (compressed). A fetch is decompressed whole into the process, so
   * a consumer of a compressed topic catching up on a backlog holds several times this much.
   */
  maxBytesPerPartition?: number;
  maxBytes?: number;
  /** Where to report whether this consumer is in its group (the service's readiness probe). */
  readiness?: Readiness;
}

/**
 * Runs a kafkajs consumer over one topic with validated payloads, in-place retries with jittered backoff,
 * heartbeats during long handlers, dead-lettering of poison messages, and commits only after the effect.
 */
export class ContractConsumer<T extends Topic> {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private stopping = false;
  /** In its group: joined, and not crashed, stopped or disconnected since. */
  private member = false;
  /** Partitions whose lag this member reported: a partition it lost stops being reported (no stale lag). */
  private readonly lagReported = new Set<number>();

  constructor(
    kafka: Kafka,
    private readonly deadLetters: ContractProducer,
    private readonly options: ContractConsumerOptions<T>,
  ) {
    this.logger = new Logger(`consumer:${options.topic}`);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    // Series exist from the start (at zero), so the first increment is seen by increase() and by alerts.
    serviceMetrics.messagesConsumed.inc({ topic: options.topic }, 0);
    serviceMetrics.deadLetters.inc({ topic: options.topic }, 0);
    serviceMetrics.retries.inc({ stage: options.topic }, 0);
    options.readiness?.register(`consumer:${options.topic}`, async () => {
      if (!this.member) throw new Error(`not in consumer group ${options.groupId}`);
    });
  }

  private forgetLagExcept(assigned: number[]): void {
    for (const partition of [...this.lagReported]) {
      if (assigned.includes(partition)) continue;
      serviceMetrics.consumerLag.remove({ topic: this.options.topic, partition });
      this.lagReported.delete(partition);
    }
  }

  /** Whether the consumer is a member of its group right now (readiness reports this, not a connect-time flag). */
  get inGroup(): boolean {
    return this.member;
  }

  async start(): Promise<void> {
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.member = true;
      const assigned = payload.memberAssignment[this.options.topic] ?? [];
      this.forgetLagExcept(assigned);
      this.options.onAssignment?.(assigned);
    });
    for (const left of [this.consumer.events.STOP, this.consumer.events.DISCONNECT]) {
      this.consumer.on(left, () => {
        this.member = false;
      });
    }
    // kafkajs restarts itself after retriable crashes only; after any other crash (e.g. the broker was away longer
    // than its retries) the consumer would stay stopped while the process looks healthy. Start it again instead.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.member = false;
      if (payload.restart || this.stopping) return;
      this.logger.error({ message: 'consumer crashed; restarting it', error: errorMessage(payload.error) });
      setTimeout(() => void this.restart(), 5_000);
    });
    await this.run();
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.consumer.disconnect().catch(() => undefined);
      await this.run();
    } catch (error) {
      this.logger.error({ message: 'consumer restart failed; trying again', error: errorMessage(error) });
      setTimeout(() => void this.restart(), 5_000);
    }
  }

  private async run(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  stop(): Promise<void> {
    this.stopping = true;
    return this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const topic = this.options.topic;
    serviceMetrics.inFlightBatches.inc({ topic });
    try {
      await this.handleBatch(payload);
    } finally {
      serviceMetrics.inFlightBatches.dec({ topic });
      serviceMetrics.consumerLag.set({ topic, partition: payload.batch.partition }, Number(payload.batch.offsetLag()));
      this.lagReported.add(payload.batch.partition);
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, resolveOffset, isRunning, isStale } = payload;
    const controls: ConsumerControls = {
      heartbeat,
      commit: (partition, offset) => this.consumer.commitOffsets([{ topic: this.options.topic, partition, offset }]),
    };
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const key = message.key?.toString() ?? null;
      const where = { key, partition: batch.partition, offset: message.offset };
      let value: TopicPayloads[T] | undefined;
      try {
        value = decodePayload(this.options.topic, message.value);
        await this.handleWithRetries({ ...where, value }, controls, isRunning);
      } catch (error) {
        if (!(error instanceof InvalidPayloadError || error instanceof NonRetriableError)) throw error;
        const accountId = (value as { accountId?: string } | undefined)?.accountId ?? accountIdOf(message.value);
        await this.reject({ ...where, value, accountId, error }, message.value, isRunning);
      }
      resolveOffset(message.offset);
      serviceMetrics.messagesConsumed.inc({ topic: this.options.topic });
      if ((this.options.commit ?? 'after-each') === 'after-each') {
        await controls.commit(batch.partition, (BigInt(message.offset) + 1n).toString());
      }
      await heartbeat();
    }
  }

  private async handleWithRetries(
    message: ConsumedMessage<TopicPayloads[T]>,
    controls: ConsumerControls,
    isRunning: () => boolean,
  ): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 20;
    let lastSpecific: RetriableError | undefined;
    for (let attempt = 0; ; attempt++) {
      const pacemaker = setInterval(() => controls.heartbeat().catch(() => undefined), 2_000);
      try {
        return await this.options.handle(message, controls);
      } catch (error) {
        if (error instanceof NonRetriableError || error instanceof InvalidPayloadError) throw error;
        if (error instanceof RetriableError) lastSpecific = error;
        if (attempt + 1 >= maxAttempts) {
          if (!(error instanceof RetriableError)) {
            this.logger.warn({ message: 'last attempt failed', ...jobOf(message), error: errorMessage(error) });
          }
          throw exhausted(error, lastSpecific, maxAttempts);
        }
        this.logger.warn({ message: 'retriable failure', ...jobOf(message), attempt, error: errorMessage(error) });
        serviceMetrics.retries.inc({ stage: this.options.topic });
        if (!isRunning()) throw error;
        await sleep(backoffMs(attempt, this.options.retryBaseMs, this.options.retryCapMs));
      } finally {
        clearInterval(pacemaker);
      }
    }
  }

  private async reject(
    rejected: RejectedMessage<TopicPayloads[T]>,
    raw: Buffer | null,
    isRunning: () => boolean,
  ): Promise<void> {
    const reason = errorMessage(rejected.error);
    this.logger.error({ message: 'message dead-lettered', ...jobOf(rejected), reason });
    serviceMetrics.deadLetters.inc({ topic: this.options.topic });
    await publishDeadLetter(this.deadLetters, {
      sourceTopic: this.options.topic,
      partition: rejected.partition,
      offset: rejected.offset,
      key: rejected.key,
      reason,
      payload: raw?.toString() ?? '',
    });
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.onRejected(rejected);
      } catch (error) {
        // Stopping: leave the message uncommitted; it is dead-lettered and reported again after the restart.
        if (!isRunning() || this.stopping) throw error;
        this.logger.warn({
          message: 'rejection not reported yet; retrying',
          ...jobOf(rejected),
          attempt,
          error: errorMessage(error),
        });
        await sleep(backoffMs(attempt, this.options.retryBaseMs, this.options.retryCapMs));
      }
    }
  }
}

/**
 * The job a message is about, for its log lines: the payload's jobId and accountId when it was read, else the job of
 * its key (a records key is `<jobId>:<chunk>`, the other topics' keys are the job id) and the accountId the payload
 * still names. An off-contract payload that names no account leaves accountId out: nothing else tells it.
 */
function jobOf(message: { key: string | null; value?: unknown; accountId?: string }): {
  jobId: string | null;
  accountId?: string;
} {
  const value = message.value as { jobId?: unknown; accountId?: unknown } | undefined;
  return {
    jobId:
      typeof value?.jobId === 'string' ? value.jobId : message.key === null ? null : jobIdOfRecordsKey(message.key),
    accountId: typeof value?.accountId === 'string' ? value.accountId : message.accountId,
  };
}

/**
 * The failure reported once the attempts ran out. The most recent specific failure (a destination's
 * HOST_UNREACHABLE, with its message for the user) wins over an internal one that happened to end the last
 * attempt (the database restarting), whose details stay in the logs rather than in the job's error.
 */
export function exhausted(
  last: unknown,
  lastSpecific: RetriableError | undefined,
  maxAttempts: number,
): NonRetriableError {
  if (lastSpecific)
    return new NonRetriableError(lastSpecific.code, `${lastSpecific.message} (gave up after ${maxAttempts} attempts)`);
  return new NonRetriableError(
    'RETRIES_EXHAUSTED',
    `a step of the export kept failing (gave up after ${maxAttempts} attempts: ${errorMessage(last).slice(0, 200)}); please run it again`,
  );
}
