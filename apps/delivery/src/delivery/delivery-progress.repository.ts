import { Inject, Injectable } from '@nestjs/common';
import { ChunkStagedValue } from '@cae/contracts';
import { Collections, Db, MONGO_DB } from '@cae/mongo';
import { DeliveryReceipt } from '../destinations/destination';

/** One staged chunk as delivery knows it: recorded when staged, flagged once delivered. */
export interface DeliveryItem {
  _id: string; // `${jobId}:${chunkIndex}`
  jobId: string;
  chunkIndex: number;
  chunk: ChunkStagedValue;
  /** Uploaded (the receipt says where); `reported` once its file.delivered event was sent. */
  delivered: boolean;
  receipt?: DeliveryReceipt;
  /** Absent on items recorded before reports were tracked apart: those were reported when flagged delivered. */
  reported?: boolean;
  storageKey?: string;
}

@Injectable()
export class DeliveryProgressRepository {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get items() {
    return this.db.collection<DeliveryItem>(Collections.deliveryProgress);
  }

  /** Records a staged chunk; a replayed event leaves an already delivered item as it is. */
  async record(chunk: ChunkStagedValue): Promise<DeliveryItem> {
    const _id = `${chunk.jobId}:${chunk.chunkIndex}`;
    await this.items.updateOne(
      { _id },
      {
        $setOnInsert: { jobId: chunk.jobId, chunkIndex: chunk.chunkIndex, delivered: false, reported: false },
        $set: { chunk },
      },
      { upsert: true },
    );
    return (await this.items.findOne({ _id })) as DeliveryItem;
  }

  find(jobId: string, chunkIndex: number): Promise<DeliveryItem | null> {
    return this.items.findOne({ _id: `${jobId}:${chunkIndex}` });
  }

  async markDelivered(item: DeliveryItem, receipt: DeliveryReceipt): Promise<void> {
    await this.items.updateOne(
      { _id: item._id },
      { $set: { delivered: true, receipt, storageKey: receipt.storageKey } },
    );
  }

  async markReported(item: DeliveryItem): Promise<void> {
    await this.items.updateOne({ _id: item._id }, { $set: { reported: true } });
  }

  jobItems(jobId: string): Promise<DeliveryItem[]> {
    return this.items.find({ jobId }).sort({ chunkIndex: 1 }).toArray();
  }
}
