import { IsInt, IsString, Max, Min, Validate } from 'class-validator';
import { CredentialsKeyConstraint } from '@cae/secrets';
import { DestinationPolicyEnv } from '@cae/config';

export class GatewayEnv extends DestinationPolicyEnv {
  @IsInt() @Min(1) @Max(65535) PORT: number = 3000;
  /** Largest accepted request body; larger ones get 413 before any parsing. */
  @IsInt() @Min(1024) @Max(10 * 1024 * 1024) MAX_BODY_BYTES: number = 256 * 1024;
  /** A request body must have arrived this long after its headers, or the answer is 408 and the connection closes. */
  @IsInt() @Min(100) @Max(300_000) BODY_TIMEOUT_MS: number = 10_000;
  /** Request headers must have arrived within this time (Node's headersTimeout, checked about every 30 s). */
  @IsInt() @Min(1_000) @Max(300_000) HEADERS_TIMEOUT_MS: number = 20_000;
  /** How long files kept in internal storage stay downloadable. */
  @IsInt() @Min(1) FILE_RETENTION_DAYS: number = 30;
  /** Seals destination credentials at rest (AES-256-GCM). Required: there is no built-in default key. */
  @Validate(CredentialsKeyConstraint) CREDENTIALS_KEY: string;
  /** Per-account request rate (per gateway replica): a burst, then a steady rate per second. */
  @IsInt() @Min(1) RATE_LIMIT_BURST: number = 100;
  @IsInt() @Min(1) RATE_LIMIT_PER_SECOND: number = 20;
  /** Failed authentications per client address (per replica): a burst, then a rate per minute; beyond it, 429. */
  @IsInt() @Min(1) AUTH_FAILURE_BURST: number = 20;
  @IsInt() @Min(1) AUTH_FAILURES_PER_MINUTE: number = 30;
  /**
   * Proxies whose X-Forwarded-For names the client (Express "trust proxy": addresses, CIDR ranges or `loopback`,
   * `uniquelocal`, comma-separated). Empty: the connection's own address is the client, as without a proxy.
   */
  @IsString() TRUSTED_PROXIES: string = '';
  /**
   * Pending or processing exports one account may have at once, across every gateway replica (slots in the
   * database, not a count per process); one more answers 429 TOO_MANY_ACTIVE_EXPORTS.
   */
  @IsInt() @Min(1) @Max(1_000) MAX_ACTIVE_EXPORTS_PER_ACCOUNT: number = 10;
  /** How long a dry run may count (the database's maxTimeMS); past it the answer says `timedOut` instead of a count. */
  @IsInt() @Min(100) @Max(120_000) DRY_RUN_MAX_TIME_MS: number = 10_000;
}
