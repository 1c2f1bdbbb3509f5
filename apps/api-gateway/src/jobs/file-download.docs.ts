import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { DownloadConditions } from './file-download.service';

const FILE_TYPES = ['text/csv', 'application/x-ndjson', 'application/gzip'];

/** The download's `Range` and `If-Range` headers (a header sent twice arrives joined, and is then not one range). */
export const DownloadConditionsOf = createParamDecorator(
  (_: unknown, context: ExecutionContext): DownloadConditions => {
    const { headers } = context.switchToHttp().getRequest<Request>();
    const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);
    return { range: one(headers.range), ifRange: one(headers['if-range']) };
  },
);

/** The OpenAPI side of ranged downloads: the two request headers and the 206 answer. */
export function RangeDownloadDocs(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Range',
      required: false,
      description:
        'One byte range of the file: `bytes=0-1023`, `bytes=1024-` (from there to the end) or `bytes=-1024` (the ' +
        'last 1024 bytes); an end past the file is cut to it. Answered 206 with `Content-Range`, read from storage as ' +
        'such (resuming a large download costs only the rest). Several ranges, another unit, a malformed value and ' +
        'any range of an empty file are answered with the whole file (200); a range starting at or after the end of ' +
        'the file is a 416 `RANGE_NOT_SATISFIABLE`.',
      schema: { type: 'string' },
      example: 'bytes=0-1023',
    }),
    ApiHeader({
      name: 'If-Range',
      required: false,
      description:
        'The `ETag` of an earlier answer: the range is served only when it is still this file, else the whole file ' +
        'is (a date is never a match).',
      schema: { type: 'string' },
      example: '"55c7f0cc0f1e5d3b3c4e0c9a1c2f6b8d2a9e4c7b1f3a5d6e8f0a2b4c6d8e0f1a"',
    }),
    ApiResponse({
      status: 206,
      description: 'The asked bytes of the file (a `Range` request).',
      content: Object.fromEntries(FILE_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
      headers: {
        'Content-Range': { description: '`bytes <first>-<last>/<file size>`.', schema: { type: 'string' } },
        'Accept-Ranges': { description: '`bytes`.', schema: { type: 'string' } },
        ETag: { description: 'The file’s SHA-256, quoted (for `If-Range`).', schema: { type: 'string' } },
        'X-Content-SHA256': {
          description: 'SHA-256 of the whole file (not of the part), lowercase hex.',
          schema: { type: 'string' },
        },
      },
    }),
  );
}
