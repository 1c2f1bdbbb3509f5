import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { FieldError } from './api-error';
import { CODES } from './api-exception.filter';

/** One offending field of a refused request (`fields` of an error answer). */
export class FieldErrorBody {
  @ApiProperty({
    description: 'Dotted path of the offending field (`destination.port`, `columnHeaders.0.name`), or `body`.',
    example: 'destination.port',
  })
  field: string;

  @ApiProperty({
    type: [String],
    description: 'Every reason the field is refused, in words that say what to change.',
    example: ['port must not be greater than 65535'],
  })
  reasons: string[];
}

const fallbackCodes = Object.entries(CODES)
  .map(([status, code]) => `${status} \`${code}\``)
  .join(', ');

/** The body of every error answer (ApiError, sendApiError and the exception filter all write this shape). */
export class ApiErrorBody {
  @ApiProperty({ type: 'integer', description: 'The HTTP status of the answer, repeated.', example: 400 })
  statusCode: number;

  @ApiProperty({
    description:
      'Stable, machine-readable reason: branch on this, not on `message`. Codes are added, never renamed. Each ' +
      "operation lists the codes it answers. An error of the framework that carries no code of the API's own gets " +
      `the code of its status: ${fallbackCodes}, \`ERROR\` for any other (for example 404 \`NOT_FOUND\` for a path that ` +
      'does not exist).',
    example: 'VALIDATION_FAILED',
  })
  code: string;

  @ApiProperty({
    description: 'What went wrong, for people; never contains a secret. Its wording may change.',
    example: 'invalid request: destination.port',
  })
  message: string;

  @ApiPropertyOptional({
    type: [FieldErrorBody],
    description: 'Validation errors only: every offending field of the request, each with its reasons.',
  })
  fields?: FieldError[];
}

interface ErrorDoc {
  status: number;
  /** When the API answers it (Markdown). */
  when: string;
  /** An example `message`. */
  message: string;
  fields?: FieldError[];
}

/**
 * Every error the gateway answers, by code: its status, when it is answered, and an example. The unit test of the
 * OpenAPI document (api-docs.spec.ts) reads the gateway's sources for every `(status, 'CODE')` it can answer and
 * fails when one is missing here or documented with another status.
 */
export const API_ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    when:
      'a field has a wrong type or value, a required one is missing, an unknown field or a `__proto__`/`constructor`/' +
      '`prototype`, `$`-prefixed or dotted key is present, the body is not a JSON object or nests more than 16 levels, ' +
      'the audience key is unknown, a query parameter or cursor is invalid, the `Idempotency-Key` header breaks its ' +
      'rule, a dry run names an audience; `fields` names each',
    message: 'invalid request: exportType, destination.port',
    fields: [
      { field: 'exportType', reasons: ['exportType must be CSV or JSON'] },
      { field: 'destination.port', reasons: ['port must not be greater than 65535'] },
    ],
  },
  MALFORMED_JSON: {
    status: 400,
    when: 'the body is not valid JSON',
    message: 'request body is not valid JSON',
    fields: [{ field: 'body', reasons: ['is not valid JSON'] }],
  },
  DESTINATION_HOST_REFUSED: {
    status: 400,
    when:
      '`destination.server` resolves to a loopback, private, link-local, reserved or metadata address that the ' +
      'operator did not allow',
    message: 'invalid request: destination.server',
    fields: [{ field: 'destination.server', reasons: ['sftp.internal.example resolves to a private address'] }],
  },
  DESTINATION_BUCKET_REFUSED: {
    status: 400,
    when: '`aws_bucket`, `gcs_bucket` or `bucket` names one of the platform’s own buckets',
    message: 'invalid request: destination.aws_bucket',
    fields: [
      {
        field: 'destination.aws_bucket',
        reasons: ['aws_bucket names a bucket of this platform, which destinations may not use'],
      },
    ],
  },
  CALLBACK_HOST_REFUSED: {
    status: 400,
    when:
      'the host of `callbackUrl` resolves to a loopback, private, link-local, reserved or metadata address (IPv6 ' +
      'forms that carry one included) that the operator did not allow, as for `destination.server`',
    message: 'invalid request: callbackUrl',
    fields: [
      {
        field: 'callbackUrl',
        reasons: [
          'the host hooks.internal.example points at a private or reserved address, which callbacks may not use',
        ],
      },
    ],
  },
  CALLBACK_SECRET_MISSING: {
    status: 400,
    when: 'a `callbackUrl` is given but the account has no callback secret yet: `POST /v2/callback-secret` makes one',
    message:
      'this account has no callback secret yet: create one with POST /v2/callback-secret, then send the export again',
    fields: [{ field: 'callbackUrl', reasons: ['the account has no callback secret to sign callbacks with'] }],
  },
  BAD_REQUEST: {
    status: 400,
    when: 'the request is not valid HTTP/1.1 (answered by the server before any route; the connection is closed)',
    message: 'the request is not valid HTTP/1.1',
  },
  UNAUTHORIZED: {
    status: 401,
    when: 'no key, an unknown key or a revoked key (answered before the body is read)',
    message: 'missing or invalid API key: use HTTP Basic with the key as user name',
  },
  JOB_NOT_FOUND: {
    status: 404,
    when: 'no such job in this account (another account’s job answers the same)',
    message: 'no job 8c275474-e636-46a5-a139-a8e40af646a3 in this account',
  },
  FILE_NOT_FOUND: {
    status: 404,
    when: 'the job has no file of this name in internal storage',
    message: 'this job has no such file in internal storage',
  },
  BUCKET_NOT_REGISTERED: {
    status: 404,
    when: 'the account has not registered this bucket',
    message: 'no registered bucket bucketname in this account',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    when: 'the headers, or the body after them, did not arrive in time; the connection is closed',
    message: 'the request body did not arrive within 10000 ms',
  },
  BUCKET_LIMIT_REACHED: {
    status: 409,
    when: 'the account already registered 100 GCS buckets',
    message: 'an account may register at most 100 buckets; delete one first',
  },
  JOB_ALREADY_ENDED: {
    status: 409,
    when: 'a cancel request for a job that is already `done` or `failed` (or ended before the request was applied)',
    message:
      'job 8c275474-e636-46a5-a139-a8e40af646a3 already ended (done); only a pending or processing job can be cancelled',
  },
  IDEMPOTENCY_REQUEST_IN_PROGRESS: {
    status: 409,
    when:
      'a request with this `Idempotency-Key` is still being processed (a concurrent retry); `Retry-After` says when ' +
      'to retry, and the retry answers the job the first request made',
    message: 'a request with this Idempotency-Key is still being processed; retry in 1 s',
  },
  FILE_EXPIRED: {
    status: 410,
    when: 'the file’s 30 days in internal storage are over',
    message: 'the file expired on 2019-04-24T10:00:00.000Z; run the export again',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    when: 'the body is larger than the gateway’s limit (`MAX_BODY_BYTES`, 256 KiB by default)',
    message: 'request body is larger than 262144 bytes',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    when: 'the body is not `application/json` in UTF-8',
    message: 'send the request body as application/json (UTF-8)',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    when:
      'the `Range` header asks for bytes the file does not have (it starts at or after the end); `Content-Range: ' +
      'bytes */<size>` gives the file’s size',
    message: 'the range bytes=5000- is outside the file (4096 bytes)',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    when: 'the `Idempotency-Key` was used in the last 24 hours with another request body; nothing was created',
    message:
      'this Idempotency-Key was used in the last 24 hours with another request body; use a new key for a new request',
  },
  RATE_LIMITED: {
    status: 429,
    when:
      'the account sent more than its request rate, or the client address failed authentication too often, or ' +
      'the account already has 2 dry runs counting on this replica; `Retry-After` says how many seconds to wait',
    message: 'too many requests for this account; retry in 1 s',
  },
  TOO_MANY_ACTIVE_EXPORTS: {
    status: 429,
    when:
      'the account already has `MAX_ACTIVE_EXPORTS_PER_ACCOUNT` (10) exports `pending` or `processing`; nothing was ' +
      'created; `Retry-After` says when to try again (30 s)',
    message:
      'this account already has 10 exports pending or processing (MAX_ACTIVE_EXPORTS_PER_ACCOUNT); retry once one of ' +
      'them ended',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    when: 'the request headers are over the server’s limit (the connection is closed)',
    message: 'the request headers are too large',
  },
  INTERNAL_ERROR: {
    status: 500,
    when: 'an unexpected failure; nothing internal is disclosed',
    message: 'internal error; please retry later',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    when: 'the API key could not be checked (the database did not answer); `Retry-After` says when to retry',
    message: 'authentication is unavailable; please retry later',
  },
  QUEUE_UNAVAILABLE: {
    status: 503,
    when:
      'Kafka did not take the request: on a POST the job is marked failed, retry the POST; on a DELETE nothing ' +
      'changed, retry the DELETE',
    message: 'the export queue is unavailable; please retry later',
  },
} satisfies Record<string, ErrorDoc>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** What any request to the API can be answered: its HTTP framing, authentication, rate limit, the unexpected. */
export const EVERY_REQUEST_ERRORS: readonly ApiErrorCode[] = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'HEADERS_TOO_LARGE',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
];

/** What a request with a JSON body can be answered, before its fields are looked at. */
export const JSON_BODY_ERRORS: readonly ApiErrorCode[] = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];

/** The error example of a code, as the API writes it. */
export function errorExample(code: ApiErrorCode): Record<string, unknown> {
  const { status, message, fields }: ErrorDoc = API_ERRORS[code];
  return { statusCode: status, code, message, ...(fields ? { fields } : {}) };
}

/**
 * Documents the error answers of an operation: `codes` plus EVERY_REQUEST_ERRORS, one response per status, each
 * with the error schema and one named example per code. Errors are always `application/json`, whatever the
 * operation's success answer is.
 */
export function ApiErrors(...codes: ApiErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of new Set([...codes, ...EVERY_REQUEST_ERRORS])) {
    const { status } = API_ERRORS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = [...byStatus]
    .sort(([a], [b]) => a - b)
    .map(([status, list]) =>
      ApiResponse({
        status,
        description: list.map((code) => `\`${code}\`: ${API_ERRORS[code].when}.`).join('\n\n'),
        content: {
          'application/json': {
            schema: { $ref: getSchemaPath(ApiErrorBody) },
            examples: Object.fromEntries(list.map((code) => [code, { summary: code, value: errorExample(code) }])),
          },
        },
      }),
    );
  return applyDecorators(ApiExtraModels(ApiErrorBody), ...responses);
}
