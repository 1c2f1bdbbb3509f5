import { createHash } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Transform, TransformCallback, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip, Gzip } from 'node:zlib';

export interface ChunkFileSummary {
  path: string;
  bytes: number;
  sha256: string;
}

/** Counts and hashes the bytes that reach the file, i.e. after compression. */
class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/**
 * A file on local disk being filled line by line, gzipped on the fly when asked. Memory stays bounded by the
 * stream buffers whatever the file size; `append` waits when the disk is slower than the producer. A failure of
 * the disk (full: ENOSPC, quota: EDQUOT, folder gone) rejects the next `append` or `close` with the system error
 * (its `code` kept); it never goes unheard (a stream error without a listener would end the process).
 */
export class ChunkFile {
  private readonly head: Writable;
  private readonly digest = new Digest();
  private readonly file: WriteStream;
  private readonly gzip: Gzip | null;
  /** Rejects with the first error of any stage of the pipeline. */
  private readonly failed: Promise<never>;

  constructor(
    readonly path: string,
    compress: boolean,
  ) {
    this.file = createWriteStream(path);
    this.gzip = compress ? createGzip({ level: 6 }) : null;
    if (this.gzip) this.gzip.pipe(this.digest);
    this.digest.pipe(this.file);
    this.head = this.gzip ?? this.digest;
    this.failed = new Promise<never>((_resolve, reject) => {
      const stages: (Writable | null)[] = [this.file, this.digest, this.gzip];
      for (const stage of stages) stage?.on('error', reject);
    });
    // Observed by append and close; this keeps an unobserved failure from counting as an unhandled rejection.
    this.failed.catch(() => undefined);
  }

  async append(text: string): Promise<void> {
    if (text.length === 0) return;
    if (!this.head.write(text, 'utf8')) await Promise.race([once(this.head, 'drain'), this.failed]);
  }

  async close(): Promise<ChunkFileSummary> {
    this.head.end();
    await Promise.race([finished(this.file), this.failed]);
    return { path: this.path, bytes: this.digest.bytes, sha256: this.digest.hash.digest('hex') };
  }

  /** Abandons the file (e.g. on a rebalance); the caller deletes it. */
  destroy(): void {
    this.head.destroy();
    this.file.destroy();
  }
}
