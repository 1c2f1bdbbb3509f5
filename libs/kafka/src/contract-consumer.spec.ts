import { EventEmitter } from 'node:events';
import { Kafka } from 'kafkajs';
import { Topic } from '@cae/contracts';
import { Readiness } from '@cae/service-kit';
import { ContractConsumer, exhausted } from './contract-consumer';
import { ContractProducer } from './contract-producer';
import { NonRetriableError, RetriableError } from './errors';

/** A kafkajs consumer that joins when run, and whose lifecycle events a test emits. */
function fakeKafka() {
  const events = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash', STOP: 'consumer.stop', DISCONNECT: 'consumer.disconnect' };
  const emitter = new EventEmitter();
  const consumer = {
    events,
    on: (event: string, listener: (payload: unknown) => void) => emitter.on(event, listener),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => {
      emitter.emit(events.GROUP_JOIN, { payload: { memberAssignment: { [Topic.Chunks]: [0, 1] } } });
    },
    disconnect: async () => {
      emitter.emit(events.DISCONNECT, {});
    },
  };
  return { kafka: { consumer: () => consumer } as unknown as Kafka, emit: (event: string, payload: unknown) => emitter.emit(event, payload), events };
}

describe(ContractConsumer.name, () => {
  it('is ready only while it is a member of its group: not before joining, not after a crash or a stop', async () => {
    const { kafka, emit, events } = fakeKafka();
    const readiness = new Readiness();
    const sut = new ContractConsumer(kafka, {} as ContractProducer, {
      topic: Topic.Chunks, groupId: 'g', handle: async () => undefined, onRejected: async () => undefined, readiness,
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
