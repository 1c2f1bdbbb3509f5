import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { errorMessage } from '@cae/kafka';
import { Collections, Db, FINAL_JOB_STATUSES, JobDocument, MONGO_DB } from '@cae/mongo';
import { CallbackSecretStore, CallbackSecretUnreadableError, CredentialCipher, SealedValueError } from '@cae/secrets';
import { JobsEnv } from '../config/jobs-env';
import { callbackEvent } from './callback-event';
import { CallbackRetryPolicy } from './callback-retry-policy';
import { AttemptOutcome, CallbackSender } from './callback-sender';
import { SIGNATURE_HEADER, signatureHeader } from './callback-signature';

/** A job claimed for one attempt of its callback: only the holder of `claimId` records the outcome. */
type ClaimedJob = JobDocument & { callback: NonNullable<JobDocument['callback']> };

/**
 * Sends the completion callbacks of ended jobs. The gateway stores a job that asked for one with
 * `callback: { state: 'pending', eventId }`; once the job is in a final state (`FINAL_JOB_STATUSES`, whichever
 * they are), a replica claims the callback (its `nextAttemptAt` moved past the attempt, a fresh `claimId`), sends
 * it and records the outcome (delivered; pending with the next attempt's time; abandoned after the last attempt).
 * A replica killed mid-attempt leaves a claim that lapses, and another replica sends again: callbacks arrive at
 * least once, and receivers dedupe on the event id. Nothing here changes a job's status: a receiver that is down,
 * slow or hostile never fails or delays an export.
 */
@Injectable()
export class CallbackDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CallbackDispatcher.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopping = false;
  /** Accounts this replica is sending to: one callback per account at a time, so a slow receiver stalls no other. */
  private readonly busyAccounts = new Set<string>();
  /** Claims are made one after the other, so two workers never pick two callbacks of one account at once. */
  private claiming: Promise<unknown> = Promise.resolve();
  /** Longer than any attempt (its deadline, the secret's read and the outcome's write), or a second replica would send while the first still does. */
  private readonly claimMs: number;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly env: JobsEnv,
    private readonly sender: CallbackSender,
    private readonly secrets: CallbackSecretStore,
    private readonly retries: CallbackRetryPolicy,
    private readonly cipher: CredentialCipher,
  ) {
    this.claimMs = env.CALLBACK_TIMEOUT_MS + 60_000;
  }

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.env.CALLBACK_INTERVAL_MS);
  }

  /** SIGTERM: no new attempt; those under way end (each within its deadline) while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.pass;
  }

  /** Sends every callback that is due, with CALLBACK_CONCURRENCY workers; one pass at a time. */
  tick(): Promise<void> {
    this.pass ??= Promise.all(Array.from({ length: this.env.CALLBACK_CONCURRENCY }, () => this.work()))
      .then(() => undefined)
      .finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async work(): Promise<void> {
    try {
      while (!this.stopping) {
        const job = await this.claimNext();
        if (!job) return;
        try {
          await this.attempt(job);
        } finally {
          this.busyAccounts.delete(job.accountId);
        }
      }
    } catch (error) {
      // The database is away: the claim lapses and the callback is tried again, by this replica or another.
      this.logger.warn({ message: 'callback pass failed', error: errorMessage(error) });
    }
  }

  private claimNext(): Promise<ClaimedJob | null> {
    const claimed = this.claiming.then(() => this.claim());
    this.claiming = claimed.catch(() => undefined);
    return claimed;
  }

  private async claim(): Promise<ClaimedJob | null> {
    const now = new Date();
    const job = await this.jobs.findOneAndUpdate(
      {
        'callback.state': 'pending',
        status: { $in: [...FINAL_JOB_STATUSES] },
        $or: [{ 'callback.nextAttemptAt': { $exists: false } }, { 'callback.nextAttemptAt': { $lte: now } }],
        ...(this.busyAccounts.size > 0 ? { accountId: { $nin: [...this.busyAccounts] } } : {}),
      },
      { $set: { 'callback.nextAttemptAt': new Date(now.getTime() + this.claimMs), 'callback.claimId': randomUUID() } },
      { returnDocument: 'after' },
    );
    if (!job?.callback) return null;
    this.busyAccounts.add(job.accountId);
    return job as ClaimedJob;
  }

  private async attempt(job: ClaimedJob): Promise<void> {
    const attempts = job.callback.attempts + 1;
    const outcome = await this.send(job, attempts);
    const now = new Date();
    const delay = outcome.delivered || !outcome.retriable ? null : this.retries.nextDelayMs(attempts);
    const state = outcome.delivered ? 'delivered' : delay === null ? 'abandoned' : 'pending';
    const recorded = await this.jobs.updateOne(
      { _id: job._id, 'callback.state': 'pending', 'callback.claimId': job.callback.claimId },
      {
        $set: {
          'callback.state': state,
          'callback.attempts': attempts,
          'callback.lastAttemptAt': now,
          ...(outcome.delivered
            ? { 'callback.deliveredAt': now }
            : { 'callback.lastError': outcome.reason.slice(0, 300) }),
          ...(delay === null ? {} : { 'callback.nextAttemptAt': new Date(now.getTime() + delay) }),
        },
        $unset: { 'callback.claimId': '' },
      },
    );
    const fields = {
      jobId: job._id,
      accountId: job.accountId,
      host: hostOf(job.request.callbackUrl),
      attempts,
      ...(outcome.delivered
        ? { httpStatus: outcome.status }
        : { state, error: outcome.reason, ...(outcome.status === undefined ? {} : { httpStatus: outcome.status }) }),
      // A replica that lost its claim (it froze past it) records nothing: the one that took over does.
      ...(recorded.matchedCount === 0 ? { claimLost: true } : {}),
    };
    if (outcome.delivered) this.logger.log({ message: 'callback delivered', ...fields });
    else
      this.logger.warn({ message: state === 'abandoned' ? 'callback abandoned' : 'callback not delivered', ...fields });
  }

  /** One attempt, signed with the account's secrets of the moment. A fault of the database is thrown, not counted. */
  private async send(job: ClaimedJob, attempts: number): Promise<AttemptOutcome> {
    let url: string | undefined;
    try {
      url = callbackUrlOf(job, this.cipher);
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      return {
        delivered: false,
        retriable: false,
        reason: 'the sealed callbackUrl does not open with CREDENTIALS_KEY',
      };
    }
    if (url === undefined) return { delivered: false, retriable: false, reason: 'the job has no callbackUrl' };
    let secrets: string[];
    try {
      secrets = await this.secrets.signingSecrets(job.accountId);
    } catch (error) {
      if (!(error instanceof CallbackSecretUnreadableError)) throw error;
      return { delivered: false, retriable: true, reason: error.message };
    }
    if (secrets.length === 0)
      return { delivered: false, retriable: true, reason: 'the account has no callback secret' };
    const body = JSON.stringify(callbackEvent(job, job.callback.eventId, this.env.PUBLIC_BASE_URL));
    return this.sender.send(url, body, {
      'content-type': 'application/json',
      'user-agent': 'contactactivityexport-callback/1',
      'x-event-id': job.callback.eventId,
      'x-callback-attempt': String(attempts),
      [SIGNATURE_HEADER]: signatureHeader(body, secrets, new Date()),
    });
  }
}

/**
 * Where the callback goes: the URL the gateway sealed for the job (its request shows only the origin), or, for a
 * job stored before URLs were sealed, the one in its request.
 */
function callbackUrlOf(job: ClaimedJob, cipher: CredentialCipher): string | undefined {
  if (typeof job.callback.sealedUrl === 'string') return cipher.open(job.callback.sealedUrl, job._id);
  return typeof job.request.callbackUrl === 'string' ? job.request.callbackUrl : undefined;
}

/** The host of a callback URL for logs: never its path or query, which may carry the receiver's token. */
function hostOf(url: unknown): string | undefined {
  try {
    return typeof url === 'string' ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}
