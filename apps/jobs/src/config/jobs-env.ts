import { IsInt, IsString, Matches, Max, Min, Validate } from 'class-validator';
import { DestinationPolicyEnv, DevDefault } from '@cae/config';
import { CredentialsKeyConstraint, PreviousCredentialsKeysConstraint } from '@cae/secrets';

/**
 * A DestinationPolicyEnv: completion callbacks are sent to hosts judged by the same policy (DESTINATION_HOST_ALLOWLIST,
 * DESTINATION_PUBLIC_HOSTS) as destinations, with the same values as the gateway, which judged them first.
 */
export class JobsEnv extends DestinationPolicyEnv {
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
  /**
   * Opens the per-account secrets that sign completion callbacks, sealed by the gateway: the gateway's
   * CREDENTIALS_KEY, and (CREDENTIALS_KEY_PREVIOUS) the keys a rotation replaced.
   */
  @Validate(CredentialsKeyConstraint) CREDENTIALS_KEY: string;
  @Validate(PreviousCredentialsKeysConstraint) CREDENTIALS_KEY_PREVIOUS: string = '';
  /** How often ended jobs with a pending completion callback are looked for. */
  @IsInt() @Min(100) CALLBACK_INTERVAL_MS: number = 2_000;
  /**
   * Attempts of a completion callback, and the backoff between them: after the n-th failed attempt a wait in
   * [c/2, c), c = min(cap, base * 2^(n-1)). The defaults spread 15 attempts over about 14 to 28 hours.
   */
  @IsInt() @Min(1) @Max(100) CALLBACK_MAX_ATTEMPTS: number = 15;
  @IsInt() @Min(10) CALLBACK_RETRY_BASE_MS: number = 60_000;
  @IsInt() @Min(10) CALLBACK_RETRY_CAP_MS: number = 4 * 3_600_000;
  /** One attempt's deadline, from the DNS lookup to the receiver's status line: a slow receiver holds nothing longer. */
  @IsInt() @Min(100) @Max(120_000) CALLBACK_TIMEOUT_MS: number = 10_000;
  /** Callbacks one replica sends at once (one account's at most one at a time, so a slow receiver stalls no other). */
  @IsInt() @Min(1) @Max(64) CALLBACK_CONCURRENCY: number = 4;
}
