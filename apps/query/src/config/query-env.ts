import { tmpdir } from 'node:os';
import { IsIn, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
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
  /**
   * Who puts the records in export order (time, _id). `database`: the query asks for it (MongoDB walks its
   * export_order index). `service`: the database streams them unsorted and the query service sorts them itself in
   * bounded memory, spilling sorted runs to QUERY_SORT_DIR, and counts the records on their way into the sort (one
   * read of the database per export): for FerretDB 1.x, which would sort (or, for a count, aggregate) a whole export
   * in its own memory and scans the collection for every read (the local stacks set this).
   */
  @IsIn(['database', 'service']) QUERY_SORT: 'database' | 'service' = 'database';
  /** With QUERY_SORT=service: BSON bytes of records held in memory before a sorted run is written to disk. */
  @IsInt() @Min(1) @Max(1024) QUERY_SORT_RUN_MIB: number = 16;
  /** With QUERY_SORT=service: runs go to `<this>/cae-query-sort/p<pid>-<random>/` (removed when a read ends). */
  @IsString() @MinLength(1) QUERY_SORT_DIR: string = tmpdir();
}
