import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Matches, Max, Min, Validate, ValidateIf } from 'class-validator';
import { DestinationPolicyEnv, toBoolean, toFileMode } from '@cae/config';
import { CredentialsKeyConstraint, PreviousCredentialsKeysConstraint } from '@cae/secrets';

export class DeliveryEnv extends DestinationPolicyEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3103;
  /** Opens destination credentials sealed by the gateway (the same key). */
  @Validate(CredentialsKeyConstraint) CREDENTIALS_KEY: string;
  /** Keys replaced by a rotation: they still open credentials sealed before it (README, Operations). */
  @Validate(PreviousCredentialsKeysConstraint) CREDENTIALS_KEY_PREVIOUS: string = '';
  /** S3 destinations: endpoint override (S3-compatible services, tests). Empty: AWS, from the request's region. */
  @ValidateIf((env) => env.S3_DESTINATION_ENDPOINT !== '') @Matches(/^https?:\/\//) S3_DESTINATION_ENDPOINT: string =
    '';
  @Transform(toBoolean) @IsBoolean() S3_DESTINATION_FORCE_PATH_STYLE: boolean = false;
  /** GCS destinations: endpoint override (tests, emulators). Empty: Google Cloud Storage with the service's own identity. */
  @ValidateIf((env) => env.GCS_ENDPOINT !== '') @Matches(/^https?:\/\//) GCS_ENDPOINT: string = '';
  @IsString() GCS_PROJECT_ID: string = '';
  /** Google identity of GCS uploads: a service account key file (the client library's own variable). */
  @IsString() GOOGLE_APPLICATION_CREDENTIALS: string = '';
  /**
   * Google identity from the metadata server (GKE workload identity, GCE). Off by default: without a key file and
   * without this, GCS destinations fail at once (DESTINATION_NOT_CONFIGURED) and the metadata address is never probed.
   */
  @Transform(toBoolean) @IsBoolean() GCS_METADATA_IDENTITY: boolean = false;
  /** How long a bucket's proof of control (its verification object) is trusted before it is read again. */
  @IsInt() @Min(0) GCS_VERIFICATION_CACHE_MS: number = 300_000;
  /** Retry budget of a delivery: attempts, and the backoff base/cap between them (equal jitter). */
  @IsInt() @Min(1) @Max(100) DELIVERY_MAX_ATTEMPTS: number = 8;
  @IsInt() @Min(10) DELIVERY_RETRY_BASE_MS: number = 1_000;
  @IsInt() @Min(10) DELIVERY_RETRY_CAP_MS: number = 30_000;
  /** Uploads one replica runs at once, and how many of them one account may hold (its dead server cannot take all). */
  @IsInt() @Min(1) @Max(64) DELIVERY_CONCURRENCY: number = 4;
  @IsInt() @Min(1) @Max(64) DELIVERY_ACCOUNT_CONCURRENCY: number = 2;
  /** Upload buffers one replica may hold at once (S3 multipart parts, 16-64 MiB an upload); keeps RSS bounded. */
  @IsInt() @Min(16) DELIVERY_MEMORY_BUDGET_MIB: number = 96;
  /** How long a replica holds a delivery it took (renewed at a third of it while it runs; lapses if the replica dies). */
  @IsInt() @Min(3_000) DELIVERY_CLAIM_MS: number = 60_000;
  /** How often a replica looks for due deliveries it was not told about (retries, other replicas' work). */
  @IsInt() @Min(50) DELIVERY_POLL_MS: number = 1_000;
  /** On SIGTERM, how long uploads under way may finish before they are handed back to other replicas. */
  @IsInt() @Min(0) DELIVERY_STOP_GRACE_MS: number = 15_000;
  /** Permissions of files created on SFTP servers (octal, e.g. 640 or 644; the server's umask may narrow them). */
  @Transform(toFileMode) @IsInt() @Min(0) @Max(0o777) SFTP_FILE_MODE: number = 0o640;
  /** Connection and idle timeout towards a destination. */
  @IsInt() @Min(1_000) DELIVERY_TIMEOUT_MS: number = 20_000;
}
