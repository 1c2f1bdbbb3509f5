import { Kafka } from 'kafkajs';
import { ALL_TOPICS, Topic } from '@cae/contracts';

/** Records and chunks carry up to a few MB per message; the broker default of 1 MB is too small for a batch. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface TopicDurability {
  replicationFactor: number;
  /** With acks=all (the producer's setting), how many replicas must have a message before it counts as written. */
  minInSyncReplicas: number;
}

/**
 * Replication of the topics the services create: as asked, else three copies where the cluster has three brokers
 * (fewer on a smaller one), and one copy fewer than that in sync (at least one). acks=all means nothing without
 * `min.insync.replicas`: with the broker default of 1, a message acknowledged by a lone leader is lost with it.
 */
export function topicDurability(
  brokers: number,
  asked: { replicationFactor?: number; minInSyncReplicas?: number } = {},
): TopicDurability {
  const replicationFactor = asked.replicationFactor ?? Math.max(1, Math.min(3, brokers));
  const minInSyncReplicas = asked.minInSyncReplicas ?? Math.max(1, replicationFactor - 1);
  return { replicationFactor, minInSyncReplicas: Math.min(minInSyncReplicas, replicationFactor) };
}

/** Creates the project's topics when missing. Production manages topics declaratively (deploy/k8s). */
export async function ensureTopics(
  kafka: Kafka,
  partitions: number,
  asked: { replicationFactor?: number; minInSyncReplicas?: number } = {},
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_TOPICS.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    const { brokers } = await admin.describeCluster();
    const durability = topicDurability(brokers.length, asked);
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: topic === Topic.DeadLetter ? 1 : partitions,
        replicationFactor: durability.replicationFactor,
        configEntries: [
          { name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) },
          { name: 'min.insync.replicas', value: String(durability.minInSyncReplicas) },
          // Records must outlive the slowest export: a writer that restarts re-reads its open chunk.
          { name: 'retention.ms', value: String(7 * 24 * 3600 * 1000) },
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
