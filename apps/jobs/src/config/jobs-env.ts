import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { DevDefault, StorageEnv } from '@cae/config';

export class JobsEnv extends StorageEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3104;
  /** Files kept in internal storage are downloadable for this many days after delivery. */
  @IsInt() @Min(1) @Max(3650) FILE_RETENTION_DAYS: number = 30;
  /** How often expired files are removed from internal storage. */
  @IsInt() @Min(100) SWEEP_INTERVAL_MS: number = 60_000;
  /** SMTP relay for `confirmEmail` notices, e.g. smtp://user:pass@relay:587. */
  @DevDefault() @Matches(/^smtps?:\/\//, { message: 'must be an smtp:// or smtps:// URL' }) SMTP_URL: string =
    'smtp://127.0.0.1:1025';
  @DevDefault() @IsString() MAIL_FROM: string = 'Contact activity export <exports@localhost>';
  /** Base URL of the API as users reach it, for download links in notices. */
  @DevDefault() @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' }) PUBLIC_BASE_URL: string =
    'http://127.0.0.1:3000';
  /**
   * Attempts to apply a job-status event whose effect keeps failing for a reason other than the database being
   * unreachable (that is retried without limit), and the backoff between attempts.
   */
  @IsInt() @Min(1) @Max(100) JOB_STATUS_MAX_ATTEMPTS: number = 12;
  @IsInt() @Min(10) JOB_STATUS_RETRY_BASE_MS: number = 500;
  @IsInt() @Min(10) JOB_STATUS_RETRY_CAP_MS: number = 10_000;
  /** How often unfinished jobs are checked by the reconciler (re-publish, NOT_QUEUED, STALLED). */
  @IsInt() @Min(100) JOB_RECONCILE_INTERVAL_MS: number = 60_000;
  /** A pending job no query replica has after this long gets its request published again (and again after as long). */
  @IsInt() @Min(1_000) JOB_REPUBLISH_AFTER_MS: number = 120_000;
  /** A pending job no query replica has after this long fails NOT_QUEUED. */
  @IsInt() @Min(1_000) JOB_NOT_QUEUED_AFTER_MS: number = 3_600_000;
  /** A processing job no service worked on for this long fails STALLED. */
  @IsInt() @Min(1_000) JOB_STALL_MS: number = 1_800_000;
  /** How often a cancelling job is looked at, to end it `cancelled` once no service works on it any more. */
  @IsInt() @Min(50) JOB_CANCEL_CHECK_MS: number = 500;
  /** A cancelling job still worked on after this long (a replica that does not stop) is ended `cancelled` anyway. */
  @IsInt() @Min(1_000) JOB_CANCEL_TIMEOUT_MS: number = 300_000;
  /** How often pending notices are looked for. */
  @IsInt() @Min(100) NOTIFY_INTERVAL_MS: number = 2_000;
}
