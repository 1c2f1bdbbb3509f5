import { randomBytes } from 'node:crypto';
import { Db, MongoServerError } from 'mongodb';
import { CredentialCipher, SealedValueError } from './credential-cipher';

export const CALLBACK_SECRETS_COLLECTION = 'callback_secrets';

/**
 * How long the secret a rotation replaced still signs callbacks, beside the new one: receivers switch over without
 * missing a callback. It gives an attacker nothing: a receiver that rotated because the old secret leaked trusts
 * only the new one, and a second signature does not make the first one forgeable.
 */
export const PREVIOUS_SECRET_SIGNS_FOR_MS = 24 * 60 * 60 * 1000;

interface CallbackSecretDocument {
  _id: string; // the accountId: one secret per account
  sealed: string;
  createdAt: Date;
  previous?: { sealed: string; until: Date };
}

export interface IssuedCallbackSecret {
  secret: string;
  createdAt: Date;
  /** Until when the replaced secret still signs too; null when there was none. */
  previousSecretValidUntil: Date | null;
}

/** Thrown when an account's secret is there but does not open (the key that sealed it is gone). */
export class CallbackSecretUnreadableError extends Error {}

/**
 * The per-account secrets that sign completion callbacks (HMAC-SHA256). HMAC needs the secret itself, so it cannot
 * be stored hashed: it is sealed with the credentials key (AES-256-GCM, bound to the account), so that a copy of
 * the database, a backup or a read-only user cannot sign callbacks in any account's name. The gateway issues them
 * (returned once, never shown again), the jobs service opens them to sign.
 */
export class CallbackSecretStore {
  constructor(
    private readonly db: Db,
    private readonly cipher: CredentialCipher,
  ) {}

  private get secrets() {
    return this.db.collection<CallbackSecretDocument>(CALLBACK_SECRETS_COLLECTION);
  }

  /**
   * Creates the account's secret, or rotates it: the new one signs from now on, the one it replaces too for
   * PREVIOUS_SECRET_SIGNS_FOR_MS. Concurrent rotations of one account each replace exactly the secret they read
   * (compare and swap), so the one that lost retries on top of the winner's instead of dropping it silently.
   */
  async issue(accountId: string, now = new Date()): Promise<IssuedCallbackSecret> {
    const secret = `cbsec_${randomBytes(32).toString('base64url')}`;
    const sealed = this.cipher.seal(secret, bindingOf(accountId));
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.secrets.findOne({ _id: accountId });
      const until = new Date(now.getTime() + PREVIOUS_SECRET_SIGNS_FOR_MS);
      const next: CallbackSecretDocument = {
        _id: accountId,
        sealed,
        createdAt: now,
        ...(current ? { previous: { sealed: current.sealed, until } } : {}),
      };
      if (current) {
        const swapped = await this.secrets.replaceOne({ _id: accountId, sealed: current.sealed }, next);
        if (swapped.matchedCount === 1) return { secret, createdAt: now, previousSecretValidUntil: until };
        continue;
      }
      try {
        await this.secrets.insertOne(next);
        return { secret, createdAt: now, previousSecretValidUntil: null };
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
    }
    throw new Error('the callback secret of this account kept changing during the rotation; retry');
  }

  async exists(accountId: string): Promise<boolean> {
    return (await this.secrets.countDocuments({ _id: accountId }, { limit: 1 })) > 0;
  }

  /**
   * The secrets a callback of the account is signed with now: the current one, then the replaced one during its
   * grace period. Empty when the account has none. A replaced secret that no longer opens is left out; a current
   * one that does not open is an error (the credentials key it was sealed with was removed).
   */
  async signingSecrets(accountId: string, now = new Date()): Promise<string[]> {
    const found = await this.secrets.findOne({ _id: accountId });
    if (!found) return [];
    const binding = bindingOf(accountId);
    let current: string;
    try {
      current = this.cipher.open(found.sealed, binding);
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      throw new CallbackSecretUnreadableError(
        "the account's callback secret does not open with this installation's credentials keys",
      );
    }
    const previous = found.previous && new Date(found.previous.until) > now ? found.previous.sealed : undefined;
    if (previous === undefined) return [current];
    try {
      return [current, this.cipher.open(previous, binding)];
    } catch {
      return [current];
    }
  }

  /**
   * After a rotation of the credentials key: seals again, with the current key, every secret (and replaced secret)
   * that only a previous key opens, so the previous key can be dropped although secrets live as long as their
   * account. Each document is swapped only if nobody changed it meanwhile (an account's own rotation wins). Secrets
   * no key opens are left as they are (they are reported). Returns how many documents were sealed again.
   */
  async resealWithCurrentKey(): Promise<{ resealed: number; unreadable: number }> {
    let resealed = 0;
    let unreadable = 0;
    for await (const found of this.secrets.find({})) {
      const binding = bindingOf(found._id);
      const resealedValue = (sealed: string): string | null | undefined => {
        if (this.cipher.isSealedWithCurrentKey(sealed, binding)) return undefined;
        try {
          return this.cipher.seal(this.cipher.open(sealed, binding), binding);
        } catch (error) {
          if (error instanceof SealedValueError) return null;
          throw error;
        }
      };
      const current = resealedValue(found.sealed);
      // A replaced secret that no longer opens is only left out of the signatures (signingSecrets).
      const previous = found.previous ? resealedValue(found.previous.sealed) : undefined;
      if (current === null) unreadable += 1;
      const update = {
        ...(typeof current === 'string' ? { sealed: current } : {}),
        ...(typeof previous === 'string' ? { 'previous.sealed': previous } : {}),
      };
      if (Object.keys(update).length === 0) continue;
      const swapped = await this.secrets.updateOne({ _id: found._id, sealed: found.sealed }, { $set: update });
      resealed += swapped.modifiedCount;
    }
    return { resealed, unreadable };
  }
}

/** Bound to the account, and apart from job ids: a sealed destination password never opens as a callback secret. */
function bindingOf(accountId: string): string {
  return `callback-secret:${accountId}`;
}
