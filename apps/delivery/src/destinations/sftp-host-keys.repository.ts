import { Inject, Injectable } from '@nestjs/common';
import { Collections, Db, isDuplicateKey, MONGO_DB, SftpHostKeyDocument } from '@cae/mongo';

export interface HostKeyVerdict {
  trusted: boolean;
  /** The fingerprint the server was expected to present, when it presented another. */
  expected?: string;
  /** Where the expectation came from. */
  source?: 'hostKeyFingerprint' | 'first use';
}

/**
 * SFTP host keys per account and server. With `hostKeyFingerprint` in the request, the server must present that
 * key (and it becomes the pinned one); without it, the first key met is pinned (trust on first use) and any other
 * key later is refused, as OpenSSH's known_hosts does: a changed key is either a re-installed server or a
 * man in the middle, and only the customer can tell which.
 */
@Injectable()
export class SftpHostKeys {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get keys() {
    return this.db.collection<SftpHostKeyDocument>(Collections.sftpHostKeys);
  }

  async judge(
    target: { accountId: string; server: string; port: number; jobId: string },
    presented: string,
    requested: string | undefined,
  ): Promise<HostKeyVerdict> {
    const _id = `${target.accountId}/${target.server.toLowerCase()}:${target.port}`;
    const pin: SftpHostKeyDocument = {
      _id,
      accountId: target.accountId,
      server: target.server.toLowerCase(),
      port: target.port,
      fingerprint: presented,
      firstSeenAt: new Date(),
      jobId: target.jobId,
    };
    if (requested !== undefined) {
      if (requested !== presented) return { trusted: false, expected: requested, source: 'hostKeyFingerprint' };
      await this.keys.replaceOne({ _id, accountId: target.accountId }, pin, { upsert: true });
      return { trusted: true };
    }
    const known = await this.keys.findOne({ _id, accountId: target.accountId });
    if (known)
      return known.fingerprint === presented
        ? { trusted: true }
        : { trusted: false, expected: known.fingerprint, source: 'first use' };
    try {
      await this.keys.insertOne(pin);
      return { trusted: true };
    } catch (error) {
      // Another delivery pinned a key at the same moment: judge by that one.
      if (!isDuplicateKey(error)) throw error;
      const raced = await this.keys.findOne({ _id, accountId: target.accountId });
      return raced?.fingerprint === presented
        ? { trusted: true }
        : { trusted: false, expected: raced?.fingerprint, source: 'first use' };
    }
  }
}
