import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { errorMessage } from '@cae/kafka';
import { Collections, Db, JobFileDocument, MONGO_DB } from '@cae/mongo';
import { ObjectStorage } from '@cae/storage';
import { JobsEnv } from '../config/jobs-env';

/**
 * Removes files from internal storage once their 30 days are over (FerretDB has no TTL indexes, so a sweeper
 * does it). The job keeps listing the file, flagged `expired`; its download answers 410.
 */
@Injectable()
export class FileSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FileSweeperService.name);
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly storage: ObjectStorage,
    private readonly env: JobsEnv,
  ) {}

  private get files() {
    return this.db.collection<JobFileDocument>(Collections.jobFiles);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.env.SWEEP_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass: every file due and not yet removed is deleted from storage, then flagged. */
  async sweep(now = new Date()): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    let swept = 0;
    try {
      for (;;) {
        const due = await this.files
          .find({ expiresAt: { $lte: now }, expired: { $ne: true } })
          .limit(100)
          .toArray();
        if (due.length === 0) break;
        for (const file of due) {
          if (file.storageKey) await this.storage.delete(this.env.FILES_BUCKET, file.storageKey);
          await this.files.updateOne({ _id: file._id }, { $set: { expired: true } });
          swept += 1;
        }
      }
      if (swept > 0) this.logger.log({ message: 'expired files removed', files: swept });
    } catch (error) {
      this.logger.warn({ message: 'sweep failed; retrying next time', error: errorMessage(error) });
    } finally {
      this.busy = false;
    }
    return swept;
  }
}
