import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { CommonEnv, processIdentity } from '@cae/config';

export class QueryEnv extends CommonEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3101;
  /** Records per message on the records topic (also bounded by QUERY_BATCH_BYTES). */
  @IsInt() @Min(1) @Max(10_000) QUERY_BATCH_RECORDS: number = 500;
  /** Serialized bytes per records message, well under the topic's max.message.bytes. */
  @IsInt() @Min(16 * 1024) @Max(4 * 1024 * 1024) QUERY_BATCH_BYTES: number = 1024 * 1024;
  /** Exports streamed at once by one replica. */
  @IsInt() @Min(1) @Max(64) QUERY_CONCURRENCY: number = 2;
  /**
   * Identity holding job leases, unique per process by default (host, pid, random): two processes sharing one would
   * both own the same lease. A restarted process takes its old jobs over once their lease lapses.
   */
  @IsString() @MinLength(1) INSTANCE_ID: string = processIdentity();
  @IsInt() @Min(5_000) QUERY_LEASE_MS: number = 30_000;
  /** Files one job may make (records / limitRecordsPerFile); a larger export fails TOO_MANY_FILES once counted. */
  @IsInt() @Min(1) @Max(1_000_000) MAX_FILES_PER_JOB: number = 10_000;
}
