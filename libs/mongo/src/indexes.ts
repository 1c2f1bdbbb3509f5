import type { Db, IndexDescription } from 'mongodb';
import { Collections } from './collections';

export type ServiceName = 'api-gateway' | 'query' | 'writer' | 'delivery' | 'jobs';

/** One index the services need: where, on what, who reads through it, and why (docs/operations.md lists them). */
export interface IndexSpec {
  collection: string;
  key: Record<string, 1 | -1>;
  /** Only where the first release named it; the others keep MongoDB's default name (`field_1_field_1`). */
  name?: string;
  unique?: boolean;
  usedBy: ServiceName[];
  why: string;
}

/**
 * Every index of the service, created by the migration (`make migrate`, the Kubernetes migrate Job), never at
 * start-up: on the platform's own collections (activities, contacts, audiences, API keys) a build can take hours,
 * and a unique index fails on data that violates it. Services only check that theirs exist (StartupIndexCheck).
 */
export const INDEXES: readonly IndexSpec[] = [
  // contactactivities (platform-owned): the export order within an account, and each selective filter in it.
  {
    collection: Collections.activities,
    key: { accountId: 1, time: 1, _id: 1 },
    name: 'export_order',
    usedBy: ['query'],
    why: 'every export without a narrower filter: one account, in export order (time, _id), and its resume query',
  },
  {
    collection: Collections.activities,
    key: { accountId: 1, action: 1, time: 1, _id: 1 },
    name: 'by_action',
    usedBy: ['query'],
    why: 'exports filtered by action (`actions`), in export order',
  },
  {
    collection: Collections.activities,
    key: { accountId: 1, cID: 1, time: 1, _id: 1 },
    name: 'by_contact',
    usedBy: ['query'],
    why: 'exports of one contact (`selected_contact`) or of an audience small enough to list, in export order',
  },
  // With _id, so that a message's records come out of the index already in export order (time, _id), also for the
  // resume query; the first versions (by_batch_message, by_automation_message) lacked it and made MongoDB sort.
  {
    collection: Collections.activities,
    key: { accountId: 1, bmID: 1, time: 1, _id: 1 },
    name: 'by_batch_message_in_order',
    usedBy: ['query'],
    why: 'exports of one batch message (`batchMessageID`), in export order',
  },
  {
    collection: Collections.activities,
    key: { accountId: 1, mdtID: 1, time: 1, _id: 1 },
    name: 'by_automation_message_in_order',
    usedBy: ['query'],
    why: 'exports of one automation message (`messageID`), in export order',
  },
  // contacts (platform-owned): `selected_contact` may be a cID, an email or any secondary identifier.
  {
    collection: Collections.contacts,
    key: { accountId: 1, cID: 1 },
    usedBy: ['query'],
    why: 'resolving `selected_contact` given as a cID',
  },
  {
    collection: Collections.contacts,
    key: { accountId: 1, email: 1 },
    usedBy: ['query'],
    why: 'resolving `selected_contact` given as an email',
  },
  {
    collection: Collections.contacts,
    key: { accountId: 1, 'secondaryIdentifiers.value': 1 },
    usedBy: ['query'],
    why: 'resolving `selected_contact` given as a secondary identifier',
  },
  // audiences and api_keys (platform-owned): unique, so a lookup finds one document. The migration refuses clearly
  // when existing data has duplicates; it never deletes any.
  {
    collection: Collections.audiences,
    key: { accountId: 1, key: 1 },
    unique: true,
    usedBy: ['api-gateway', 'query'],
    why: '`selected_audience_key`: the gateway checks that it exists, the query service reads its rule',
  },
  {
    collection: Collections.apiKeys,
    key: { keyHash: 1 },
    unique: true,
    usedBy: ['api-gateway'],
    why: 'authenticating every request by the hash of its API key',
  },
  // The service's own collections.
  {
    collection: Collections.jobs,
    key: { accountId: 1, createdAt: -1, _id: -1 },
    usedBy: ['api-gateway'],
    why: "GET /v2/jobs: an account's jobs, newest first, paged",
  },
  {
    collection: Collections.jobs,
    key: { accountId: 1, status: 1 },
    usedBy: ['api-gateway'],
    why: "the export quota: counting an account's pending and processing jobs",
  },
  {
    collection: Collections.idempotencyKeys,
    key: { expiresAt: 1 },
    usedBy: ['api-gateway'],
    why: 'the gateway sweeps Idempotency-Key records past their 24 hours',
  },
  {
    collection: Collections.jobs,
    key: { 'notice.state': 1 },
    usedBy: ['jobs'],
    why: 'the confirmEmail notifier finds pending notices',
  },
  {
    collection: Collections.jobs,
    key: { 'callback.state': 1 },
    usedBy: ['jobs'],
    why: 'the callback dispatcher finds ended jobs whose completion callback is pending',
  },
  {
    collection: Collections.jobFiles,
    key: { jobId: 1, chunkIndex: 1 },
    usedBy: ['api-gateway', 'jobs'],
    why: "a job's files in order (job status, downloads, recount at the end)",
  },
  {
    collection: Collections.jobFiles,
    key: { expiresAt: 1 },
    usedBy: ['jobs'],
    why: 'the file sweeper finds internally stored files past their retention',
  },
  {
    collection: Collections.queryCheckpoints,
    key: { state: 1, createdAt: 1 },
    usedBy: ['query'],
    why: 'query replicas claim the oldest queued or lapsed export',
  },
  {
    collection: Collections.deliveryProgress,
    key: { jobId: 1, chunkIndex: 1 },
    usedBy: ['delivery'],
    why: "a job's delivery items, for its completion check",
  },
  {
    collection: Collections.deliveryQueue,
    key: { dueAt: 1 },
    usedBy: ['delivery'],
    why: 'delivery replicas claim the next due entry',
  },
  {
    collection: Collections.deliveryQueue,
    key: { jobId: 1 },
    usedBy: ['delivery'],
    why: "waking and removing a job's entries",
  },
];

/** The description `createIndex` takes: MongoDB's default name unless the spec has one. */
export function indexDescription(spec: IndexSpec): IndexDescription {
  return { key: spec.key, ...(spec.name ? { name: spec.name } : {}), ...(spec.unique ? { unique: true } : {}) };
}

const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(Object.entries(a).map(([k, v]) => [k, Number(v)])) ===
  JSON.stringify(Object.entries(b).map(([k, v]) => [k, Number(v)]));

/**
 * The indexes of `specs` the database lacks (same key in the same order, and unique where required). A collection
 * that does not exist yet lacks all of its indexes.
 */
export async function missingIndexes(db: Db, specs: readonly IndexSpec[]): Promise<IndexSpec[]> {
  const missing: IndexSpec[] = [];
  const byCollection = new Map<string, { key: Record<string, unknown>; unique?: boolean }[]>();
  for (const spec of specs) {
    let existing = byCollection.get(spec.collection);
    if (!existing) {
      existing = await db
        .collection(spec.collection)
        .listIndexes()
        .toArray()
        .catch((error: { codeName?: string }) => {
          if (error.codeName === 'NamespaceNotFound') return [];
          throw error;
        });
      byCollection.set(spec.collection, existing);
    }
    const found = existing.some((index) => sameKey(index.key, spec.key) && (!spec.unique || index.unique === true));
    if (!found) missing.push(spec);
  }
  return missing;
}

/** A readable name for logs and the migration's output: `collection.name` or `collection{key}`. */
export function indexLabel(spec: IndexSpec): string {
  const keys = Object.entries(spec.key)
    .map(([field, order]) => `${field}:${order}`)
    .join(',');
  return `${spec.collection}.${spec.name ?? `{${keys}}`}${spec.unique ? ' (unique)' : ''}`;
}
