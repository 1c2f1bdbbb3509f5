import { EventEmitter } from 'node:events';
import { Kafka } from 'kafkajs';
import { Topic } from '@cae/contracts';
import { metricsRegistry, Readiness } from '@cae/service-kit';
import { ContractConsumer, exhausted } from './contract-consumer';
import { ContractProducer } from './contract-producer';
import { NonRetriableError, RetriableError } from './errors';

/** A kafkajs consumer that joins when run, and whose lifecycle events a test emits. */
function fakeKafka() {
  const events = {
    GROUP_JOIN: 'consumer.group_join',
    CRASH: 'consumer.crash',
    STOP: 'consumer.stop',
    DISCONNECT: 'consumer.disconnect',
  };
  const emitter = new EventEmitter();
  const commits: { partition: number; offset: string }[] = [];
  let eachBatch: ((payload: unknown) => Promise<void>) | undefined;
  const consumer = {
    events,
    commitOffsets: async (offsets: { partition: number; offset: string }[]) => {
      commits.push(...offsets.map(({ partition, offset }) => ({ partition, offset })));
    },
    on: (event: string, listener: (payload: unknown) => void) => emitter.on(event, listener),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (options: { eachBatch: (payload: unknown) => Promise<void> }) => {
      eachBatch = options.eachBatch;
      emitter.emit(events.GROUP_JOIN, { payload: { memberAssignment: { [Topic.Chunks]: [0, 1] } } });
    },
    disconnect: async () => {
      emitter.emit(events.DISCONNECT, {});
    },
  };
  /** Hands one message to the consumer as kafkajs would, in a batch of its own. */
  const deliver = (value: string, offset = '7') =>
    eachBatch!({
      batch: {
        partition: 0,
        offsetLag: () => '3',
        messages: [{ key: Buffer.from('5f0f6a1e-8d1c-4b7e-9f0a-1c2d3e4f5a6b'), value: Buffer.from(value), offset }],
      },
      heartbeat: async () => undefined,
      resolveOffset: () => undefined,
      isRunning: () => true,
      isStale: () => false,
    });
  return {
    kafka: { consumer: () => consumer } as unknown as Kafka,
    emit: (event: string, payload: unknown) => emitter.emit(event, payload),
    events,
    commits,
    deliver,
  };
}

/** The value of one series of a metric, as Prometheus would scrape it (0 when the series does not exist yet). */
async function metricValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)!.get();
  const match = (l: Record<string, unknown>) => Object.entries(labels).every(([k, v]) => String(l[k]) === v);
  return metric.values.find((value) => match(value.labels))?.value ?? 0;
}

describe(ContractConsumer.name, () => {
  it('counts handled and dead-lettered messages, and the lag the batch reported', async () => {
    const { kafka, deliver } = fakeKafka();
    const sut = new ContractConsumer(kafka, { publish: async () => undefined } as unknown as ContractProducer, {
      topic: Topic.JobStatus,
      groupId: 'g',
      handle: async () => undefined,
      onRejected: async () => undefined,
    });
    const topic = Topic.JobStatus;
    const before = {
      consumed: await metricValue('cae_kafka_messages_consumed_total', { topic }),
      dead: await metricValue('cae_dead_letters_total', { topic }),
    };
    await sut.start();
    await deliver('not json at all');
    expect(await metricValue('cae_dead_letters_total', { topic })).toBe(before.dead + 1);
    expect(await metricValue('cae_kafka_messages_consumed_total', { topic })).toBe(before.consumed + 1);
    expect(await metricValue('cae_kafka_consumer_lag', { topic, partition: '0' })).toBe(3);
    expect(await metricValue('cae_kafka_in_flight_batches', { topic })).toBe(0);
  });

  it('stops reporting the lag of a partition the member lost in a rebalance', async () => {
    const { kafka, deliver, emit, events } = fakeKafka();
    const topic = Topic.Chunks;
    const sut = new ContractConsumer(kafka, { publish: async () => undefined } as unknown as ContractProducer, {
      topic,
      groupId: 'g',
      handle: async () => undefined,
      onRejected: async () => undefined,
    });
    await sut.start();
    await deliver('not json at all');
    expect(await metricValue('cae_kafka_consumer_lag', { topic, partition: '0' })).toBe(3);
    emit(events.GROUP_JOIN, { payload: { memberAssignment: { [topic]: [1] } } });
    const series = (await metricsRegistry.getSingleMetric('cae_kafka_consumer_lag')!.get()).values;
    expect(series.filter((v) => v.labels.topic === topic && String(v.labels.partition) === '0')).toEqual([]);
  });

  it('commits a rejected message only once its failure was reported, retrying the report until it is sent', async () => {
    const { kafka, commits, deliver } = fakeKafka();
    const deadLetters = { publish: jest.fn().mockResolvedValue(undefined) };
    const reports: number[] = [];
    const onRejected = jest.fn(async () => {
      reports.push(commits.length);
      if (reports.length < 3) throw new Error('broker away');
    });
    const sut = new ContractConsumer(kafka, deadLetters as unknown as ContractProducer, {
      topic: Topic.Chunks,
      groupId: 'g',
      handle: async () => undefined,
      onRejected,
      retryBaseMs: 1,
      retryCapMs: 2,
    });
    await sut.start();
    await deliver('not json at all');
    expect(deadLetters.publish).toHaveBeenCalledWith(
      Topic.DeadLetter,
      expect.any(String),
      expect.objectContaining({ sourceTopic: Topic.Chunks }),
    );
    // Three tries, none of them after a commit; the commit follows the report that got through.
    expect(reports).toEqual([0, 0, 0]);
    expect(commits).toEqual([{ partition: 0, offset: '8' }]);
  });

  it('is ready only while it is a member of its group: not before joining, not after a crash or a stop', async () => {
    const { kafka, emit, events } = fakeKafka();
    const readiness = new Readiness();
    const sut = new ContractConsumer(kafka, {} as ContractProducer, {
      topic: Topic.Chunks,
      groupId: 'g',
      handle: async () => undefined,
      onRejected: async () => undefined,
      readiness,
    });
    expect((await readiness.report()).ready).toBe(false);
    await sut.start();
    expect(await readiness.report()).toEqual({ ready: true, checks: { [`consumer:${Topic.Chunks}`]: 'up' } });
    emit(events.CRASH, { payload: { restart: true, error: new Error('coordinator moved') } });
    expect((await readiness.report()).ready).toBe(false);
    emit(events.GROUP_JOIN, { payload: { memberAssignment: {} } });
    expect(sut.inGroup).toBe(true);
    await sut.stop();
    expect((await readiness.report()).checks[`consumer:${Topic.Chunks}`]).toMatch(/not in consumer group g/);
  });
});

describe('exhausted retries', () => {
  const unreachable = new RetriableError('HOST_UNREACHABLE', 'could not reach ftp://example.com:21');

  it('keeps the specific failure of a destination when the last attempt failed for an internal reason', () => {
    const error = exhausted(new Error('connect ECONNREFUSED 127.0.0.1:27017'), unreachable, 6);
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.code).toBe('HOST_UNREACHABLE');
    expect(error.message).toBe('could not reach ftp://example.com:21 (gave up after 6 attempts)');
  });

  it('reports the last specific failure when every attempt had one', () => {
    expect(exhausted(unreachable, unreachable, 3).code).toBe('HOST_UNREACHABLE');
  });

  it('falls back to RETRIES_EXHAUSTED when no attempt had a specific failure', () => {
    const error = exhausted(new Error('boom'), undefined, 4);
    expect(error.code).toBe('RETRIES_EXHAUSTED');
    expect(error.message).toMatch(/gave up after 4 attempts: boom/);
  });
});
