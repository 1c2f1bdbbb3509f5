/**
 * Kafka topic names. Every message is keyed by jobId, so one job's messages stay on one partition, in order.
 *
 * WARNING: these names are a published contract (job-status is public, see docs/asyncapi.yaml).
 * Never rename one or change the shape of its payload: add a new `.v2` topic instead.
 */
export enum Topic {
  Requested = 'contactactivityexport.requested.v1',
  Records = 'contactactivityexport.records.v1',
  Chunks = 'contactactivityexport.chunks.v1',
  JobStatus = 'contactactivityexport.job-status.v1',
  DeadLetter = 'contactactivityexport.dlq.v1',
}

export const ALL_TOPICS: readonly Topic[] = Object.values(Topic);
