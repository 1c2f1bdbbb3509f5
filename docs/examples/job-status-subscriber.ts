/**
 * An example subscriber of the public job-status topic (docs/asyncapi.yaml): follows every export job without
 * polling the Jobs API, validating each event with the contracts lib's own codec (the jobs service reads them the
 * same way), and prints one line per event.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 npx ts-node --transpile-only docs/examples/job-status-subscriber.ts
 *
 * KAFKA_BROKERS: comma-separated brokers (default 127.0.0.1:9092). GROUP_ID: the consumer group (default
 * `job-status-subscriber-example`); a subscriber needs a group of its own, never one of the services' groups, or it
 * would take their events away from them. FROM_BEGINNING=1: a new group starts with the events the topic still
 * holds instead of only new ones. Stop with Ctrl-C.
 *
 * Events arrive at least once: after a restart or a rebalance, some arrive again. Apply them idempotently (a
 * delivered file is identified by jobId and chunkIndex), and ignore fields and event types you do not know (both are
 * only ever added).
 */
import { Kafka, logLevel } from 'kafkajs';
// Inside this repository; another service of the monorepo imports the same from '@cae/contracts'.
import { decodePayload, InvalidPayloadError, JobStatusValue, Topic } from '../../libs/contracts/src';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim());
const groupId = process.env.GROUP_ID ?? 'job-status-subscriber-example';
const fromBeginning = process.env.FROM_BEGINNING === '1';

/** One line per event: when, which job of which account, what happened, and who said so. */
function describeEvent(event: JobStatusValue): string {
  const head = `${event.at} ${event.jobId} account=${event.accountId} ${event.type} (${event.service})`;
  switch (event.type) {
    case 'query.started':
      return event.totalItems === undefined ? `${head} claimed` : `${head} ${event.totalItems} matching records`;
    case 'file.delivered': {
      const file = event.file;
      if (!file) return `${head} (no file)`;
      const where = file.location ?? (file.storageKey ? 'internal storage' : 'unknown place');
      return `${head} file #${file.chunkIndex} ${file.name}: ${file.records} records, ${file.bytes} bytes -> ${where}`;
    }
    case 'job.completed':
      return `${head} ${event.fileCount} files, ${event.totalRecords} records`;
    case 'job.failed':
      return `${head} ${event.error?.code}: ${event.error?.message}`;
    case 'job.cancel.requested':
      return `${head} cancel requested: the job is cancelling`;
    case 'job.cancelled':
      return `${head} cancelled: stopped everywhere, its partial files removed`;
  }
}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: Topic.JobStatus, fromBeginning });
  console.log(`following ${Topic.JobStatus} on ${brokers.join(',')} as group ${groupId}`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      try {
        console.log(describeEvent(decodePayload(Topic.JobStatus, message.value)));
      } catch (error) {
        // Not our contract (a producer of a newer version would only add fields, which still decode): say so, go on.
        if (!(error instanceof InvalidPayloadError)) throw error;
        console.log(`partition ${partition} offset ${message.offset}: invalid event: ${error.problems.join('; ')}`);
      }
    },
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
