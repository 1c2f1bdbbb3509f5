import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { errorMessage } from '@cae/kafka';
import { IdempotencyRepository } from './idempotency.repository';

/** Often enough that expired records never pile up (a day's keys at most, plus this). */
const SWEEP_INTERVAL_MS = 15 * 60_000;

/**
 * Deletes Idempotency-Key records past their 24 hours: FerretDB has no TTL index. An expired record is already
 * ignored when read (and overwritten by the next claim of its key), so the sweep only keeps the collection small;
 * every replica sweeps, and a deletion done twice changes nothing.
 */
@Injectable()
export class IdempotencySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencySweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly records: IdempotencyRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(now = new Date()): Promise<number> {
    try {
      const swept = await this.records.sweep(now);
      if (swept > 0) this.logger.log({ message: 'expired idempotency keys removed', keys: swept });
      return swept;
    } catch (error) {
      this.logger.warn({ message: 'idempotency key sweep failed; retrying next time', error: errorMessage(error) });
      return 0;
    }
  }
}
