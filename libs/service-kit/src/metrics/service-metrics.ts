import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The one registry of this process, served at GET /metrics. Every series carries `service` (set at bootstrap);
 * labels never carry account or job ids, whose number is unbounded: logs carry those (docs/operations.md).
 */
export const metricsRegistry = new Registry();

const registers = [metricsRegistry];

/**
 * Every metric of the five services, in one place so that the dashboard and alert rules in deploy/observability
 * have one list to follow. A service exports all of them; those it never touches stay at zero.
 */
export const serviceMetrics = {
  // The records path, stage by stage: read (query), written into files (writer), delivered (delivery).
  recordsRead: new Counter({
    name: 'cae_records_read_total',
    help: 'Activity records read from the database and published to the records topic (query)',
    registers,
  }),
  recordsWritten: new Counter({
    name: 'cae_records_written_total',
    help: 'Records formatted into export files (writer)',
    registers,
  }),
  filesStaged: new Counter({ name: 'cae_files_staged_total', help: 'Export files staged (writer)', registers }),
  bytesStaged: new Counter({
    name: 'cae_staged_bytes_total',
    help: 'Bytes of export files staged, as stored (after gzip) (writer)',
    registers,
  }),
  filesDelivered: new Counter({
    name: 'cae_files_delivered_total',
    help: 'Export files delivered, by destination kind (delivery)',
    labelNames: ['destination'],
    registers,
  }),
  recordsDelivered: new Counter({
    name: 'cae_records_delivered_total',
    help: 'Records in delivered files, by destination kind (delivery)',
    labelNames: ['destination'],
    registers,
  }),
  bytesDelivered: new Counter({
    name: 'cae_delivered_bytes_total',
    help: 'Bytes of delivered files, by destination kind (delivery)',
    labelNames: ['destination'],
    registers,
  }),
  deliveryFailures: new Counter({
    name: 'cae_delivery_failures_total',
    help: 'Failed delivery attempts, by error code (retried or final) (delivery)',
    labelNames: ['code'],
    registers,
  }),
  // Jobs, as the jobs service records their ends (each job counted once, by the replica that ended it).
  jobsEnded: new Counter({
    name: 'cae_jobs_ended_total',
    help: 'Jobs that reached a final status (done, failed, cancelled), by status (jobs)',
    labelNames: ['status'],
    registers,
  }),
  jobFailures: new Counter({
    name: 'cae_job_failures_total',
    help: 'Failed jobs by error code (jobs)',
    labelNames: ['code'],
    registers,
  }),
  jobDuration: new Histogram({
    name: 'cae_job_duration_seconds',
    help: 'Time from a job being accepted to its final status, by status (jobs)',
    labelNames: ['status'],
    buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400, 43200],
    registers,
  }),
  // Kafka consumers (every consumer of libs/kafka's ContractConsumer).
  messagesConsumed: new Counter({
    name: 'cae_kafka_messages_consumed_total',
    help: 'Messages handled (their effect done, or dead-lettered), by topic',
    labelNames: ['topic'],
    registers,
  }),
  consumerLag: new Gauge({
    name: 'cae_kafka_consumer_lag',
    help: "Messages behind the partition's end after the last batch this member handled, by topic and partition",
    labelNames: ['topic', 'partition'],
    registers,
  }),
  inFlightBatches: new Gauge({
    name: 'cae_kafka_in_flight_batches',
    help: 'Batches being handled right now, by topic',
    labelNames: ['topic'],
    registers,
  }),
  retries: new Counter({
    name: 'cae_retries_total',
    help: 'Retries of a failed step, by stage (a topic, or delivery)',
    labelNames: ['stage'],
    registers,
  }),
  deadLetters: new Counter({
    name: 'cae_dead_letters_total',
    help: 'Messages moved to the dead-letter topic, by source topic',
    labelNames: ['topic'],
    registers,
  }),
  leaseTakeovers: new Counter({
    name: 'cae_lease_takeovers_total',
    help: 'Work claimed that had been claimed before (an export or a delivery resumed after a crash, a freeze or a hand-back)',
    labelNames: ['work'],
    registers,
  }),
};

/** Names the process in every series and adds Node's own metrics (heap, event loop lag, GC, CPU). */
export function startProcessMetrics(service: string): void {
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}
