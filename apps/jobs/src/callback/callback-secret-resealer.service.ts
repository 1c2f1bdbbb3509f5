import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { errorMessage } from '@cae/kafka';
import { CallbackSecretStore } from '@cae/secrets';

/** How often the callback secrets are looked at for a value sealed with a replaced credentials key. */
export const RESEAL_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Callback secrets live as long as their account, unlike destination credentials (deleted with their job): after a
 * rotation of CREDENTIALS_KEY they would stay sealed with the old key, which could then never be dropped. At
 * start-up and every hour this seals again with the current key whatever only a key of CREDENTIALS_KEY_PREVIOUS
 * opens (also what a gateway not yet given the new key sealed meanwhile). Once a pass logs nothing to re-seal after
 * every gateway has the new key (`callback secrets checked` with `resealed: 0`), the previous key may go.
 */
@Injectable()
export class CallbackSecretResealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallbackSecretResealer.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly secrets: CallbackSecretStore) {}

  onApplicationBootstrap(): void {
    void this.pass();
    this.timer = setInterval(() => void this.pass(), RESEAL_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { resealed, unreadable } = await this.secrets.resealWithCurrentKey();
      // One line a pass (hourly): after a key rotation, the operator's sign that the previous key may go.
      if (unreadable === 0) this.logger.log({ message: 'callback secrets checked', resealed });
      // Their accounts' callbacks fail until the key is given back or the account issues a new secret.
      else
        this.logger.warn({
          message: 'callback secrets checked; some open with no credentials key',
          resealed,
          unreadable,
        });
    } catch (error) {
      this.logger.warn({ message: 'callback secret re-seal failed; trying again later', error: errorMessage(error) });
    } finally {
      this.running = false;
    }
  }
}
