import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { backoffMs, errorMessage } from '@cae/kafka';
import { Collections, Db, JobDocument, JobFileDocument, MONGO_DB } from '@cae/mongo';
import { JobsEnv } from '../config/jobs-env';
import { NOTICE_FILES, noticeEmail } from './notice-email';

const MAX_ATTEMPTS = 10;
const CLAIM_MS = 60_000;

/**
 * Sends the `confirmEmail` notice of ended jobs. A notice is claimed for a minute (so replicas do not send it
 * twice), sent, then marked sent; a failed send is retried with backoff up to MAX_ATTEMPTS and then abandoned.
 * Nothing here changes a job's status: a mail problem never fails an export.
 */
@Injectable()
export class NotifierService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotifierService.name);
  private readonly mailer: Transporter;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly env: JobsEnv,
  ) {
    this.mailer = createTransport(env.SMTP_URL, { from: env.MAIL_FROM });
  }

  private get jobs() {
    return this.db.collection<JobDocument>(Collections.jobs);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.env.NOTIFY_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.mailer.close();
  }

  /** Sends every notice that is due; one pass at a time. */
  async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let job = await this.claim(); job; job = await this.claim()) await this.send(job);
    } catch (error) {
      this.logger.warn({ message: 'notice pass failed', error: errorMessage(error) });
    } finally {
      this.busy = false;
    }
  }

  private claim(): Promise<JobDocument | null> {
    const now = new Date();
    return this.jobs.findOneAndUpdate(
      {
        'notice.state': 'pending',
        $or: [{ 'notice.nextAttemptAt': { $exists: false } }, { 'notice.nextAttemptAt': { $lte: now } }],
      },
      { $set: { 'notice.nextAttemptAt': new Date(now.getTime() + CLAIM_MS) } },
      { returnDocument: 'after' },
    );
  }

  private async send(job: JobDocument): Promise<void> {
    const attempts = (job.notice?.attempts ?? 0) + 1;
    try {
      const files = await this.db
        .collection<JobFileDocument>(Collections.jobFiles)
        .find({ jobId: job._id })
        .sort({ chunkIndex: 1 })
        .limit(NOTICE_FILES)
        .toArray();
      await this.mailer.sendMail(noticeEmail(job, files, this.env.PUBLIC_BASE_URL));
      await this.jobs.updateOne(
        { _id: job._id },
        { $set: { 'notice.state': 'sent', 'notice.sentAt': new Date(), 'notice.attempts': attempts } },
      );
      this.logger.log({ message: 'notice sent', jobId: job._id, accountId: job.accountId });
    } catch (error) {
      const abandoned = attempts >= MAX_ATTEMPTS;
      const reason = errorMessage(error).slice(0, 300);
      this.logger.warn({
        message: 'notice not sent',
        jobId: job._id,
        accountId: job.accountId,
        attempts,
        abandoned,
        error: reason,
      });
      await this.jobs.updateOne(
        { _id: job._id },
        {
          $set: {
            'notice.state': abandoned ? 'abandoned' : 'pending',
            'notice.attempts': attempts,
            'notice.lastError': reason,
            'notice.nextAttemptAt': new Date(Date.now() + 1_000 + backoffMs(attempts, 2_000, 10 * 60_000)),
          },
        },
      );
    }
  }
}
