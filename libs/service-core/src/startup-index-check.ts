import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Db, indexLabel, INDEXES, missingIndexes, MONGO_DB, ServiceName } from '@cae/mongo';

export const INDEX_CHECK_OPTIONS = Symbol('INDEX_CHECK_OPTIONS');

export interface IndexCheckOptions {
  service: ServiceName;
  /** `warn`: start anyway and say which are missing; `refuse`: exit instead (MONGODB_INDEX_CHECK). */
  mode: 'warn' | 'refuse';
}

/**
 * At start-up, checks that the indexes this service reads through exist; never creates one (that is the migration's
 * job: `make migrate`, or the migrate Job in Kubernetes). A missing index makes exports scan: a warning by default,
 * a refusal to start when MONGODB_INDEX_CHECK=refuse.
 */
@Injectable()
export class StartupIndexCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('index-check');

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(INDEX_CHECK_OPTIONS) private readonly options: IndexCheckOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const needed = INDEXES.filter((spec) => spec.usedBy.includes(this.options.service));
    let problem: string | undefined;
    try {
      const missing = await missingIndexes(this.db, needed);
      if (missing.length > 0) {
        problem = `missing MongoDB indexes: ${missing.map(indexLabel).join(', ')}; run the migration (make migrate, or the migrate Job)`;
      }
    } catch (error) {
      problem = `could not check the MongoDB indexes: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (!problem) return;
    if (this.options.mode === 'refuse') throw new Error(`${problem} (MONGODB_INDEX_CHECK=refuse)`);
    this.logger.warn(problem);
  }
}
