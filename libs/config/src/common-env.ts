import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { toBoolean } from './load-env';

/** Variables every service reads: where Kafka and the database are, and how to log. */
export class CommonEnv {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @IsString() KAFKA_CLIENT_ID_PREFIX: string = 'contactactivityexport';

  /** Creates the topics at start-up when missing (dev and tests); production manages them (Strimzi KafkaTopic). */
  @Transform(toBoolean) @IsBoolean() KAFKA_CREATE_TOPICS: boolean = true;

  @IsInt() @Min(1) @Max(1000) KAFKA_TOPIC_PARTITIONS: number = 6;

  /** Copies of each created topic; absent: three, or as many brokers as there are when fewer. */
  @IsOptional() @IsInt() @Min(1) @Max(10) KAFKA_TOPIC_REPLICATION?: number;

  /** `min.insync.replicas` of created topics; absent: one fewer than the copies (at least one). */
  @IsOptional() @IsInt() @Min(1) @Max(10) KAFKA_MIN_INSYNC_REPLICAS?: number;

  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// or mongodb+srv:// URI' })
  MONGODB_URI: string = 'mongodb://127.0.0.1:27017/cordial';

  /**
   * What a service does at start-up when an index it reads through is missing: `warn` and start, or `refuse` to
   * start. Services never create indexes; the migration does (`make migrate`, the migrate Job).
   */
  @IsIn(['warn', 'refuse']) MONGODB_INDEX_CHECK: 'warn' | 'refuse' = 'warn';

  @IsIn(['debug', 'log', 'warn', 'error']) LOG_LEVEL: string = 'log';

  /** The address the HTTP server (API or health and metrics) binds to: loopback locally, 0.0.0.0 in a pod. */
  @IsString() LISTEN_HOST: string = '127.0.0.1';
}

/** Variables of services that use object storage (staging of chunks and internally kept files). */
export class StorageEnv extends CommonEnv {
  @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' }) S3_ENDPOINT: string = 'http://127.0.0.1:7070';
  @IsString() S3_REGION: string = 'us-east-1';
  @IsString() S3_ACCESS_KEY_ID: string = 'devaccesskey';
  @IsString() S3_SECRET_ACCESS_KEY: string = 'devsecretkey123';
  @Transform(toBoolean) @IsBoolean() S3_FORCE_PATH_STYLE: boolean = true;
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/) STAGING_BUCKET: string = 'cae-staging';
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/) FILES_BUCKET: string = 'cae-files';
  /** Creates the buckets at start-up when missing (dev and tests). */
  @Transform(toBoolean) @IsBoolean() S3_CREATE_BUCKETS: boolean = true;
}

/**
 * Variables of the services that judge destinations (gateway at request time, delivery before connecting):
 * the same values on both, or a request accepted by one would be refused by the other.
 */
export class DestinationPolicyEnv extends StorageEnv {
  /** Destination hosts allowed although private (comma-separated names, addresses or CIDR ranges). */
  @IsString() DESTINATION_HOST_ALLOWLIST: string = '';
  /** Public destination hosts allowed at all; false (local and test stacks) keeps every delivery on the allow-list. */
  @Transform(toBoolean) @IsBoolean() DESTINATION_PUBLIC_HOSTS: boolean = true;
  /**
   * Buckets no S3 or GCS destination may name (comma-separated names, or prefixes ending in `*`): the platform's
   * own buckets, which the service's identity can write to. STAGING_BUCKET and FILES_BUCKET are always included.
   */
  @IsString() DESTINATION_BUCKET_DENYLIST: string = '';
}
