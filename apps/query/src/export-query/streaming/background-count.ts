/**
 * The record count of an export, taken beside the read instead of before it. On the embedded database a count
 * costs as much as the read itself (FerretDB decodes every document for both), so counting first doubled the time
 * of every export; on MongoDB the count is an index count and finishes long before the read.
 *
 * The count must still be known before the export makes its first file (a job that would make too many files fails
 * TOO_MANY_FILES without any): `mustHaveCountBefore` says which batch has to wait for it.
 */
export class BackgroundCount {
  private done = false;

  constructor(private readonly counting: Promise<number>) {
    // Observed here so that a failed count is never an unhandled rejection, even when the read fails first.
    counting.then(
      () => (this.done = true),
      () => (this.done = true),
    );
  }

  /** True once the count finished (or failed): taking it then costs no wait. */
  get ready(): boolean {
    return this.done;
  }

  /** The count, or the error the count failed with; rejects with the signal's reason if it aborts first. */
  value(signal?: AbortSignal): Promise<number> {
    if (!signal) return this.counting;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<number>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.counting.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}

/**
 * True when publishing this batch could let the writer finish a file: it reaches the end of the first file of a
 * chunked export, or it is the final batch. Earlier batches only fill the first chunk, which is staged when its
 * last record (or the end) arrives.
 */
export function mustHaveCountBefore(
  firstSeq: number,
  records: number,
  limitRecordsPerFile: number | undefined,
  final: boolean,
): boolean {
  if (final) return true;
  return limitRecordsPerFile !== undefined && firstSeq + records >= limitRecordsPerFile;
}
