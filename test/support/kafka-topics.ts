import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TEST_STACK_ENV } from './test-stack';

export interface TopicMessage {
  topic: string;
  key: string;
  /** The value as latin1 text, so any byte sequence can be searched. */
  value: string;
  headers: string[];
}

function kafka(clientId: string): Kafka {
  return new Kafka({ brokers: [`127.0.0.1:${TEST_STACK_ENV.KAFKA_PORT}`], clientId, logLevel: logLevel.NOTHING });
}

/** Reads every message of the given topics (default: all) from the beginning, up to their current ends. */
export async function readTopics(only?: string[]): Promise<TopicMessage[]> {
  const client = kafka('e2e-reader');
  const admin = client.admin();
  await admin.connect();
  const topics = only ?? (await admin.listTopics());
  let expected = 0;
  for (const topic of topics) {
    for (const { high, low } of await admin.fetchTopicOffsets(topic)) expected += Number(high) - Number(low);
  }
  await admin.disconnect();
  const messages: TopicMessage[] = [];
  if (expected === 0) return messages;
  const consumer = client.consumer({ groupId: `e2e-reader-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${expected} messages`)), 60_000);
    void consumer.run({
      eachMessage: async ({ topic, message }) => {
        messages.push({
          topic,
          key: message.key?.toString('latin1') ?? '',
          value: message.value?.toString('latin1') ?? '',
          headers: Object.values(message.headers ?? {}).map(String),
        });
        if (messages.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

/** A job-status event and a dead-letter entry, as the topics carry them (see docs/asyncapi.yaml). */
export interface StatusEvent {
  type: string;
  jobId: string;
  accountId: string;
  service: string;
  error?: { code: string; message: string };
}

export interface ParkedMessage {
  sourceTopic: string;
  key?: string;
  reason: string;
  payload: string;
}

/** The JSON messages of the given topics with their keys; messages that are not JSON (the poison suite writes some) are skipped. */
export async function readJsonMessages<T>(topics: string[]): Promise<{ key: string; value: T }[]> {
  return (await readTopics(topics)).flatMap((message) => {
    try {
      return [{ key: message.key, value: JSON.parse(Buffer.from(message.value, 'latin1').toString('utf8')) }];
    } catch {
      return [];
    }
  });
}

/** Produces a raw message, bypassing the contracts: how a buggy or hostile producer would. */
export async function produceRaw(topic: string, key: string, value: string): Promise<void> {
  const producer = kafka('e2e-poison').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key, value }] });
  } finally {
    await producer.disconnect();
  }
}

/** Produces many messages on one connection, in the given order (a job's events are keyed by job, so they stay in order). */
export async function produceMany(topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer = kafka('e2e-many').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 500) {
      await producer.send({ topic, messages: messages.slice(start, start + 500) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Produces a raw message and says where it landed. */
export async function produceRawAt(
  topic: string,
  key: string,
  value: string,
): Promise<{ partition: number; offset: bigint }> {
  const producer = kafka('e2e-raw').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const [sent] = await producer.send({ topic, messages: [{ key, value }] });
    return { partition: sent.partition, offset: BigInt(sent.baseOffset ?? sent.offset ?? '0') };
  } finally {
    await producer.disconnect();
  }
}

/** Waits until a consumer group has committed past `offset` on a partition (it handled that message for good). */
export async function waitForCommitPast(
  groupId: string,
  topic: string,
  partition: number,
  offset: bigint,
  timeoutMs = 120_000,
): Promise<void> {
  const admin = kafka('e2e-offsets').admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const mine = committed.partitions.find((p) => p.partition === partition);
      const at = mine && mine.offset !== '-1' ? BigInt(mine.offset) : -1n;
      if (at > offset) return;
      if (Date.now() > deadline)
        throw new Error(`${groupId} committed ${at} on ${topic}[${partition}], not past ${offset}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
