/** Collection names. The first three are written by the rest of the platform; the others belong to this service. */
export const Collections = {
  activities: 'contactactivities',
  contacts: 'contacts',
  audiences: 'audiences',
  apiKeys: 'api_keys',
  jobs: 'jobs',
  jobFiles: 'job_files',
  queryCheckpoints: 'query_checkpoints',
  writerProgress: 'writer_progress',
  deliveryProgress: 'delivery_progress',
  deliveryQueue: 'delivery_queue',
  gcsBuckets: 'gcs_buckets',
  sftpHostKeys: 'sftp_host_keys',
  idempotencyKeys: 'idempotency_keys',
  exportSlots: 'export_slots',
} as const;
