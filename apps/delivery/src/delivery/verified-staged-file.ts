import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { ChunkStagedValue } from '@cae/contracts';
import { RetriableError } from '@cae/kafka';

/**
 * The staged file as a destination reads it, checked against the writer's account of it (`bytes`, `sha256`): a
 * file that does not match (a damaged or replaced staging object) ends the stream with an error instead of its
 * end, so every destination aborts the upload before the file gets its final name (SFTP and FTP rename a
 * temporary file only after a complete upload; S3, GCS and multipart uploads are only committed when the body
 * ends). Retriable: reading it again may succeed; the job fails once the attempts are used up.
 */
export function verifiedStagedFile(
  chunk: Pick<ChunkStagedValue, 'fileName' | 'bytes' | 'sha256'>,
  body: Readable,
  onDamaged: (error: RetriableError) => void = () => undefined,
): Readable {
  const hash = createHash('sha256');
  let bytes = 0;
  const check = new Transform({
    transform(piece: Buffer, _encoding, done) {
      bytes += piece.length;
      if (bytes > chunk.bytes) return done(corrupt(`more than its ${chunk.bytes} bytes`));
      hash.update(piece);
      done(null, piece);
    },
    flush(done) {
      if (bytes !== chunk.bytes) return done(corrupt(`${bytes} bytes instead of ${chunk.bytes}`));
      const sha256 = hash.digest('hex');
      if (sha256 !== chunk.sha256)
        return done(corrupt(`its SHA-256 differs from the one computed when it was written`));
      done();
    },
  });
  body.on('error', (error) => check.destroy(error));
  return body.pipe(check);

  function corrupt(what: string): RetriableError {
    const error = new RetriableError(
      'STAGED_FILE_CORRUPT',
      `the prepared file ${chunk.fileName} was damaged before delivery (${what}); it was not delivered`,
    );
    onDamaged(error);
    return error;
  }
}
