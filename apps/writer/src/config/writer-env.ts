import { IsInt, IsString, Max, Min } from 'class-validator';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageEnv } from '@cae/config';

export class WriterEnv extends StorageEnv {
  /** Health and metrics port. */
  @IsInt() @Min(1) @Max(65535) PORT: number = 3102;
  /**
   * Local folder for chunks being written (an emptyDir in Kubernetes). Each process works in a folder of its own
   * below it; folders of processes that are gone are removed at start-up.
   */
  @IsString() WRITER_TMP_DIR: string = join(tmpdir(), 'cae-writer');
  /**
   * Most bytes of the records topic (gzip-compressed, ~29 bytes a record) one fetch brings: it is decompressed whole
   * (~500 bytes a record), so this bounds what a writer catching up on a backlog holds. 1 MiB is ~36,000 records.
   */
  @IsInt() @Min(65_536) @Max(64 * 1024 * 1024) WRITER_FETCH_MAX_BYTES: number = 1024 * 1024;
}
