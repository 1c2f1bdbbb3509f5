import { Inject, Injectable } from '@nestjs/common';
import { MongoServerError } from 'mongodb';
import { ExportRequestedValue } from '@cae/contracts';
import { buildActivityFilter, Collections, contactIdsOf, Db, MONGO_DB, snapshotBound } from '@cae/mongo';
import { GatewayEnv } from '../../config/gateway-env';
import { RetryLaterError } from '../retry-later.error';
import { planFiles, PlannedFile } from './dry-run-files';

/** Dry runs one account may have counting at once on one replica: each may keep the database busy for its time. */
export const DRY_RUNS_PER_ACCOUNT = 2;

/** MongoDB's (and FerretDB's) code for an operation stopped by its maxTimeMS. */
const MAX_TIME_EXPIRED = 50;

export interface DryRunAnswer {
  dryRun: true;
  name: string | null;
  count: number | null;
  timedOut: boolean;
  fileCount: number | null;
  files: PlannedFile[];
  countedAt: string;
}

/**
 * Counts what an export would read, without creating anything: the same filter as the query service
 * (buildActivityFilter, with the contact ids of `selected_contact` resolved the same way and the same snapshot
 * bound), counted by the database in at most DRY_RUN_MAX_TIME_MS. `$match` then `$count` is an index count on
 * MongoDB and a streaming count on FerretDB, both honouring maxTimeMS (countDocuments' `$group` would make FerretDB
 * hold every matching document).
 */
@Injectable()
export class DryRunService {
  private readonly counting = new Map<string, number>();

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly env: GatewayEnv,
  ) {}

  /** `request`: the message the export would publish. `named`: false when the request has no `name`. */
  async plan(request: ExportRequestedValue, named: boolean): Promise<DryRunAnswer> {
    const { accountId } = request;
    const running = this.counting.get(accountId) ?? 0;
    if (running >= DRY_RUNS_PER_ACCOUNT) {
      throw new RetryLaterError(
        429,
        'RATE_LIMITED',
        `this account already has ${DRY_RUNS_PER_ACCOUNT} dry runs counting; retry in 1 s`,
        1,
      );
    }
    this.counting.set(accountId, running + 1);
    try {
      const count = await this.count(request);
      const output = named ? request.output : { ...request.output, fileBaseName: 'export-xxxxxxxx' };
      return {
        dryRun: true,
        name: named ? request.output.fileBaseName : null,
        count,
        timedOut: count === null,
        ...planFiles(output, count),
        countedAt: request.createdAt,
      };
    } finally {
      const left = (this.counting.get(accountId) ?? 1) - 1;
      if (left > 0) this.counting.set(accountId, left);
      else this.counting.delete(accountId);
    }
  }

  /** The number of matching activities, or null when counting took longer than allowed. */
  private async count({ accountId, filter, createdAt }: ExportRequestedValue): Promise<number | null> {
    const contactIds = filter.contact ? await contactIdsOf(this.db, accountId, filter.contact) : undefined;
    const match = buildActivityFilter(accountId, filter, contactIds, undefined, snapshotBound(createdAt));
    try {
      const [row] = await this.db
        .collection(Collections.activities)
        .aggregate<{ n: number }>([{ $match: match }, { $count: 'n' }], { maxTimeMS: this.env.DRY_RUN_MAX_TIME_MS })
        .toArray();
      return row?.n ?? 0;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === MAX_TIME_EXPIRED) return null;
      throw error;
    }
  }
}
