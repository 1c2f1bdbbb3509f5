import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { DevDefault } from './deploy-env';
import { toBoolean } from './load-env';

/** Variables every service reads: where Kafka and the database are, and how to log. */
export class CommonEnv {
  /** `production` (set by the container image) makes every @DevDefault variable required; see deploy-env.ts. */
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;

  /** The deployment's name (e.g. `prod`, `staging`); any value but development/dev/local/test counts as deployed. */
  @IsOptional() @IsString() DEPLOY_ENV?: string;

  @DevDefault()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @IsString() KAFKA_CLIENT_ID_PREFIX: string = 'contactactivityexport';

  /** TLS to the brokers; KAFKA_SSL_CA_FILE is the PEM of their CA when it is not a public one (Strimzi's cluster CA). */
  @Transform(toBoolean) @IsBoolean() KAFKA_SSL: boolean = false;
  @IsOptional() @IsString() KAFKA_SSL_CA_FILE?: string;

  /** SASL towards the brokers (e.g. a Strimzi KafkaUser with scram-sha-512); username and password then required. */
  @IsOptional() @IsIn(['plain', 'scram-sha-256', 'scram-sha-512']) KAFKA_SASL_MECHANISM?:
    'plain' | 'scram-sha-256' | 'scram-sha-512';
  @ValidateIf((env: CommonEnv) => env.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @MinLength(1)
  KAFKA_SASL_USERNAME?: string;
  @ValidateIf((env: CommonEnv) => env.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @MinLength(1)
  KAFKA_SASL_PASSWORD?: string;

  /** Creates the topics at start-up when missing (dev and tests); production manages them (Strimzi KafkaTopic). */
  @Transform(toBoolean) @IsBoolean() KAFKA_CREATE_TOPICS: boolean = true;

  @IsInt() @Min(1) @Max(1000) KAFKA_TOPIC_PARTITIONS: number = 6;

  /** Copies of each created topic; absent: three, or as many brokers as there are when fewer. */
  @IsOptional() @IsInt() @Min(1) @Max(10) KAFKA_TOPIC_REPLICATION?: number;

  /** `min.insync.replicas` of created topics; absent: one fewer than the copies (at least one). */
  @IsOptional() @IsInt() @Min(1) @Max(10) KAFKA_MIN_INSYNC_REPLICAS?: number;

  @DevDefault()
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
  @DevDefault() @Matches(/^https?:\/\//, { message: 'must be an http(s) URL' }) S3_ENDPOINT: string =
    'http://127.0.0.1:7070';
  @IsString() S3_REGION: string = 'us-east-1';
  @DevDefault() @IsString() S3_ACCESS_KEY_ID: string = 'devaccesskey';
  @DevDefault() @IsString() S3_SECRET_ACCESS_KEY: string = 'devsecretkey123';
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
