import { Kafka } from 'kafkajs';
import { ALL_TOPICS, Topic } from '@cae/contracts';

/** Records and chunks carry up to a few MB per message; the broker default of 1 MB is too small for a batch. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Creates the project's topics when missing. Production manages topics declaratively (deploy/k8s). */
export async function ensureTopics(kafka: Kafka, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: topic === Topic.DeadLetter ? 1 : partitions,
        replicationFactor: -1,
        configEntries: [
          { name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) },
          // Records must outlive the slowest export: a writer that restarts re-reads its open chunk.
          { name: 'retention.ms', value: String(7 * 24 * 3600 * 1000) },
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
