import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Collections, Db, MONGO_DB } from '@cae/mongo';

const ACTIVITY_INDEXES = [
  { key: { accountId: 1, time: 1, _id: 1 }, name: 'export_order' },
  { key: { accountId: 1, action: 1, time: 1, _id: 1 }, name: 'by_action' },
  { key: { accountId: 1, cID: 1, time: 1, _id: 1 }, name: 'by_contact' },
  // With _id, so that a message's records come out of the index already in export order (time, _id), also for
  // the resume query; the first versions (by_batch_message, by_automation_message) lacked it and made MongoDB sort.
  { key: { accountId: 1, bmID: 1, time: 1, _id: 1 }, name: 'by_batch_message_in_order' },
  { key: { accountId: 1, mdtID: 1, time: 1, _id: 1 }, name: 'by_automation_message_in_order' },
] as const;

/**
 * Indexes a real MongoDB needs for the export query: the export order within an account, and each selective
 * filter. (FerretDB accepts them; it scans anyway.) Creating an existing index is a no-op.
 */
@Injectable()
export class ActivityIndexes implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async onModuleInit(): Promise<void> {
    const activities = this.db.collection(Collections.activities);
    // One createIndex per index: FerretDB 1.24 panics on a multi-index createIndexes whose indexes already exist
    // (found by the fault-injection runs: every restart of the query service after the first failed).
    for (const { key, name } of ACTIVITY_INDEXES) await activities.createIndex(key, { name });
  }
}
