import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ChunkStagedValue } from '@cae/contracts';
import { Collections, Db, MONGO_DB } from '@cae/mongo';

/** One staged chunk as delivery knows it: recorded when staged, flagged once delivered. */
export interface DeliveryItem {
  _id: string; // `${jobId}:${chunkIndex}`
  jobId: string;
  chunkIndex: number;
  chunk: ChunkStagedValue;
  delivered: boolean;
  storageKey?: string;
}

@Injectable()
export class DeliveryProgressRepository implements OnModuleInit {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get items() {
    return this.db.collection<DeliveryItem>(Collections.deliveryProgress);
  }

  async onModuleInit(): Promise<void> {
    await this.items.createIndex({ jobId: 1, chunkIndex: 1 });
  }

  /** Records a staged chunk; a replayed event leaves an already delivered item as it is. */
  async record(chunk: ChunkStagedValue): Promise<DeliveryItem> {
    const _id = `${chunk.jobId}:${chunk.chunkIndex}`;
    await this.items.updateOne(
      { _id },
      { $setOnInsert: { jobId: chunk.jobId, chunkIndex: chunk.chunkIndex, delivered: false }, $set: { chunk } },
      { upsert: true },
    );
    return (await this.items.findOne({ _id })) as DeliveryItem;
  }

  find(jobId: string, chunkIndex: number): Promise<DeliveryItem | null> {
    return this.items.findOne({ _id: `${jobId}:${chunkIndex}` });
  }

  async markDelivered(item: DeliveryItem, storageKey?: string): Promise<void> {
    await this.items.updateOne({ _id: item._id }, { $set: { delivered: true, storageKey } });
  }

  jobItems(jobId: string): Promise<DeliveryItem[]> {
    return this.items.find({ jobId }).sort({ chunkIndex: 1 }).toArray();
  }
}
