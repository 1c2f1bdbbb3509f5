/** Bytes `start` to `end` of a file, both inclusive (as HTTP writes them). */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a download answers to its `Range` header: the whole file (200), a part (206) or nothing (416). */
export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/**
 * Reads a `Range` header (RFC 9110, section 14) for a file of `size` bytes. One range is served: `bytes=a-b`,
 * `bytes=a-` and `bytes=-n` (the last n bytes), an end past the file cut to it. Everything else the RFC lets a
 * server ignore is answered with the whole file: several ranges (a multipart answer would be one more format for
 * clients to parse, for no use an export file has), another unit, a malformed value, and any range of an empty
 * file. A range that starts at or after the end of the file is unsatisfiable (416).
 *
 * `ifRange` is the request's If-Range: the range is served only when it is the file's own ETag (a strong
 * comparison); any other value, a date included, means the client's copy may be another file: the whole file.
 */
export function rangeAnswer(header: string | undefined, size: number, etag: string, ifRange?: string): RangeAnswer {
  if (header === undefined || size === 0) return { kind: 'whole' };
  if (ifRange !== undefined && ifRange.trim() !== etag) return { kind: 'whole' };
  const match = SINGLE_RANGE.exec(header);
  if (!match) return { kind: 'whole' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'whole' }; // invalid: ignored, as the RFC says
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: 'part', range: { start, end } };
}
